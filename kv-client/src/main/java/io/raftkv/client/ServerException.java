package io.raftkv.client;

import io.grpc.Status;

/** Any other failure the server reported (INTERNAL, STALE_SEQUENCE, an unexpected status). */
public final class ServerException extends RaftKvException {
  public ServerException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
