package io.raftkv.client;

import io.grpc.Status;

/** The server refused the request as malformed (BAD_REQUEST, MEMBER_INVALID or another INVALID_ARGUMENT); retrying it unchanged cannot succeed. */
public final class InvalidRequestException extends RaftKvException {
  public InvalidRequestException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
