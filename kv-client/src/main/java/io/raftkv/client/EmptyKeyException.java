package io.raftkv.client;

import io.grpc.Status;

/** The key is empty (KEY_EMPTY); the client also checks this before sending. */
public final class EmptyKeyException extends RaftKvException {
  public EmptyKeyException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
