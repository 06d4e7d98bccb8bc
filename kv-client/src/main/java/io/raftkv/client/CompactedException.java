package io.raftkv.client;

import io.grpc.Status;

/** The requested revision has been compacted (COMPACTED). */
public final class CompactedException extends RaftKvException {
  public CompactedException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
