package io.raftkv.client;

import io.grpc.Status;

/** No leader could be reached before the client ran out of attempts (NOT_LEADER or NO_LEADER was the last answer). */
public final class NoLeaderException extends RaftKvException {
  public NoLeaderException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
