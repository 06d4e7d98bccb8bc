package io.raftkv.client;

import io.grpc.Status;

/** The value is over the server's limit (VALUE_TOO_LARGE). */
public final class ValueTooLargeException extends RaftKvException {
  public ValueTooLargeException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
