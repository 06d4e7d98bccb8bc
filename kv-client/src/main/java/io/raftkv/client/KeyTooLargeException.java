package io.raftkv.client;

import io.grpc.Status;

/** The key is over the server's limit (KEY_TOO_LARGE). */
public final class KeyTooLargeException extends RaftKvException {
  public KeyTooLargeException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
