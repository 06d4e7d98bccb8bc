package io.raftkv.client.fake;

import io.grpc.Status;
import io.raftkv.client.ErrorCode;

/**
 * A scripted failure for a node's next call.
 *
 * @param applyFirst apply the write, then fail: the client cannot know it was applied
 */
public record Fault(Status.Code status, ErrorCode code, String message, boolean applyFirst) {
  public static Fault of(Status.Code status, ErrorCode code) {
    return new Fault(status, code, code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), false);
  }

  public static Fault afterApplying(Status.Code status, ErrorCode code) {
    return new Fault(status, code, code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), true);
  }
}
