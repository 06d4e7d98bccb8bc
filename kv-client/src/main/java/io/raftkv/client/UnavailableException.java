package io.raftkv.client;

import io.grpc.Status;

/**
 * The cluster could not serve the request and retrying was not allowed or ran out of attempts:
 * an endpoint stopping, leadership changing under a membership change (whose outcome is then
 * unknown: check with {@code memberList}), or a call made after {@link RaftKvClient#close()}.
 */
public final class UnavailableException extends RaftKvException {
  public UnavailableException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(status, errorCode, message, endpoint);
  }
}
