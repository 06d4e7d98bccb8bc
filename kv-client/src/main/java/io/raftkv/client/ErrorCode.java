package io.raftkv.client;

import java.util.Locale;

/**
 * The codes a raftkv server puts in the ASCII trailer {@code raftkv-error} of every failed call.
 *
 * <p>The gRPC status code says how to treat an error in general; this code says exactly what went
 * wrong, so the client can tell a refused write (NOT_LEADER: safe to send elsewhere) from one
 * whose outcome is unknown (LEADER_CHANGED: safe to retry only with the same request id).
 */
public enum ErrorCode {
  KEY_EMPTY,
  KEY_TOO_LARGE,
  VALUE_TOO_LARGE,
  TOO_MANY_OPS,
  /** Any other INVALID_ARGUMENT. */
  BAD_REQUEST,
  /** FAILED_PRECONDITION from a follower; the {@code raftkv-not-leader-bin} trailer names the leader. */
  NOT_LEADER,
  /** UNAVAILABLE: the member knows no leader (an election is running). */
  NO_LEADER,
  /** RESOURCE_EXHAUSTED: the server's proposal queue is full; retrying later helps. */
  QUEUE_FULL,
  /** RESOURCE_EXHAUSTED: the server refuses writes before its disk fills; retrying does not help. */
  DISK_FULL,
  /** DEADLINE_EXCEEDED on the server: the outcome of a write is unknown. */
  TIMEOUT,
  /** UNAVAILABLE: leadership changed while the write was pending; its outcome is unknown. */
  LEADER_CHANGED,
  /** UNAVAILABLE: the member is shutting down. */
  STOPPING,
  /** OUT_OF_RANGE: the requested revision has been compacted. */
  COMPACTED,
  MEMBER_NOT_FOUND,
  MEMBER_INVALID,
  /** FAILED_PRECONDITION: the session no longer remembers this write's sequence number. */
  STALE_SEQUENCE,
  INTERNAL,
  /** No trailer, or a code this client does not know (a newer server): judge by the status code. */
  UNKNOWN;

  /** Parses a trailer value; null, empty or unrecognised values give {@link #UNKNOWN}. */
  public static ErrorCode parse(String trailer) {
    if (trailer == null || trailer.isBlank()) {
      return UNKNOWN;
    }
    try {
      return valueOf(trailer.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      // Forward compatibility: an old client talking to a newer server still works by status.
      return UNKNOWN;
    }
  }
}
