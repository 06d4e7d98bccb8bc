package io.raftkv.client;

import io.grpc.Status;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The request's deadline passed (or the server gave up with TIMEOUT). The message says what the
 * client last saw, for example {@code no endpoint reachable (127.0.0.1:1: connection refused)} or
 * {@code deadline of 5s exceeded after 12 attempts; last: no leader (127.0.0.1:21379)}.
 *
 * <p>For a write the outcome is unknown: it may have been applied. Re-sending the same operation
 * through the client creates a new request id, so it may apply twice; read the key to find out.
 *
 * <p>Not to be confused with {@link java.util.concurrent.TimeoutException}.
 */
public final class TimeoutException extends RaftKvException {
  private final int attempts;
  private final boolean serverReached;
  private final Map<String, String> lastFailureByEndpoint;

  public TimeoutException(
      ErrorCode errorCode,
      String message,
      String endpoint,
      int attempts,
      boolean serverReached,
      Map<String, String> lastFailureByEndpoint) {
    super(Status.Code.DEADLINE_EXCEEDED, errorCode, message, endpoint);
    this.attempts = attempts;
    this.serverReached = serverReached;
    // A copy in the order the endpoints were tried, which is the order a reader expects.
    this.lastFailureByEndpoint = Collections.unmodifiableMap(new LinkedHashMap<>(lastFailureByEndpoint));
  }

  /** Attempts made before the deadline passed. */
  public int attempts() {
    return attempts;
  }

  /** Whether any attempt got an answer from a server (false: every connection failed). */
  public boolean serverReached() {
    return serverReached;
  }

  /** The last failure seen from each endpoint tried, described in a few words. */
  public Map<String, String> lastFailureByEndpoint() {
    return lastFailureByEndpoint;
  }
}
