package io.raftkv.client;

import io.grpc.Status;

/** What to do after a failed attempt. Decided from the failure alone, so it is easy to test. */
enum RetryDecision {
  /** A follower named the leader: go there now. */
  FOLLOW_LEADER,
  /** This endpoint cannot serve now: back off, then try the next endpoint. */
  ROTATE,
  /** The endpoint is right but busy (QUEUE_FULL) or in transition: back off, then try it again. */
  SAME,
  /** No retry can help, or the request might have been applied and may not be re-sent. */
  FAIL;

  static RetryDecision decide(Failure failure, Idempotence idempotence) {
    boolean safe = idempotence == Idempotence.SAFE_TO_RETRY;
    if (failure.isNotLeader()) {
      // A refusal: nothing was applied, whatever the request.
      return hasUsableHint(failure) ? FOLLOW_LEADER : ROTATE;
    }
    return switch (failure.code()) {
      case NO_LEADER -> ROTATE;
      case QUEUE_FULL -> SAME;
      // The old leader is now a follower and will redirect us; its hint, if any, is followed.
      case LEADER_CHANGED -> !safe ? FAIL : hasUsableHint(failure) ? FOLLOW_LEADER : SAME;
      // A member that timed out may be cut off from the quorum: ask another.
      case STOPPING, TIMEOUT -> safe ? ROTATE : FAIL;
      case UNKNOWN -> decideByStatus(failure, safe);
      default -> FAIL;
    };
  }

  /** Failures without a raftkv code come from the transport (or a proxy). */
  private static RetryDecision decideByStatus(Failure failure, boolean safe) {
    if (failure.status() == Status.Code.UNAVAILABLE || failure.status() == Status.Code.UNKNOWN) {
      // A refused connection proves the request was never sent; a dropped one does not.
      return failure.connectFailed() || safe ? ROTATE : FAIL;
    }
    // DEADLINE_EXCEEDED: the attempt had the whole remaining deadline, so the request is over.
    return FAIL;
  }

  private static boolean hasUsableHint(Failure failure) {
    String address = failure.leaderAddress();
    return !address.isEmpty() && !address.equals(failure.endpoint()) && Endpoints.isValid(address);
  }
}
