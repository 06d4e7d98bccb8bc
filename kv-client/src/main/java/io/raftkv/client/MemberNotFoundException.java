package io.raftkv.client;

import io.grpc.Status;

/** No member has the given id (MEMBER_NOT_FOUND). */
public final class MemberNotFoundException extends RaftKvException {
  public MemberNotFoundException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
