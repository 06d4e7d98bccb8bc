package io.raftkv.client;

import io.grpc.Status;

/** The server (QUEUE_FULL, DISK_FULL) or the client (too many requests in flight) refused the request for lack of capacity. QUEUE_FULL is retried within the deadline; this is thrown when retries ran out or retrying cannot help (DISK_FULL). */
public final class ResourceExhaustedException extends RaftKvException {
  public ResourceExhaustedException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
