package io.raftkv.client;

import io.grpc.Status;

/** A transaction has more compares and operations than the server allows (TOO_MANY_OPS). */
public final class TooManyOpsException extends RaftKvException {
  public TooManyOpsException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
