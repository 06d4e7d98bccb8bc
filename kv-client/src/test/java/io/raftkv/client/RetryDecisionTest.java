package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RetryDecisionTest {
  private static final Idempotence SAFE = Idempotence.SAFE_TO_RETRY;
  private static final Idempotence ONCE = Idempotence.RETRY_IF_NOT_APPLIED;

  private static Failure server(Status.Code status, ErrorCode code, String leader) {
    return new Failure("a:1", status, code, "m", leader, true, false);
  }

  private static Failure transport(Status.Code status, boolean connectFailed) {
    return new Failure("a:1", status, ErrorCode.UNKNOWN, "m", "", false, connectFailed);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("not leader with hint", server(Status.Code.FAILED_PRECONDITION, ErrorCode.NOT_LEADER, "b:2"), ONCE, RetryDecision.FOLLOW_LEADER),
        Arguments.of("not leader, hint to itself", server(Status.Code.FAILED_PRECONDITION, ErrorCode.NOT_LEADER, "a:1"), SAFE, RetryDecision.ROTATE),
        Arguments.of("not leader, no hint", server(Status.Code.FAILED_PRECONDITION, ErrorCode.NOT_LEADER, ""), ONCE, RetryDecision.ROTATE),
        Arguments.of("no leader", server(Status.Code.UNAVAILABLE, ErrorCode.NO_LEADER, ""), ONCE, RetryDecision.ROTATE),
        Arguments.of("queue full", server(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.QUEUE_FULL, ""), ONCE, RetryDecision.SAME),
        Arguments.of("disk full", server(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.DISK_FULL, ""), SAFE, RetryDecision.FAIL),
        Arguments.of("leader changed, write with id", server(Status.Code.UNAVAILABLE, ErrorCode.LEADER_CHANGED, ""), SAFE, RetryDecision.SAME),
        Arguments.of("leader changed, hint given", server(Status.Code.UNAVAILABLE, ErrorCode.LEADER_CHANGED, "b:2"), SAFE, RetryDecision.FOLLOW_LEADER),
        Arguments.of("leader changed, member change", server(Status.Code.UNAVAILABLE, ErrorCode.LEADER_CHANGED, ""), ONCE, RetryDecision.FAIL),
        Arguments.of("server timeout, write with id", server(Status.Code.DEADLINE_EXCEEDED, ErrorCode.TIMEOUT, ""), SAFE, RetryDecision.ROTATE),
        Arguments.of("server timeout, member change", server(Status.Code.DEADLINE_EXCEEDED, ErrorCode.TIMEOUT, ""), ONCE, RetryDecision.FAIL),
        Arguments.of("stopping", server(Status.Code.UNAVAILABLE, ErrorCode.STOPPING, ""), SAFE, RetryDecision.ROTATE),
        Arguments.of("connection refused, member change", transport(Status.Code.UNAVAILABLE, true), ONCE, RetryDecision.ROTATE),
        Arguments.of("connection dropped, member change", transport(Status.Code.UNAVAILABLE, false), ONCE, RetryDecision.FAIL),
        Arguments.of("connection dropped, write with id", transport(Status.Code.UNAVAILABLE, false), SAFE, RetryDecision.ROTATE),
        Arguments.of("client deadline", transport(Status.Code.DEADLINE_EXCEEDED, false), SAFE, RetryDecision.FAIL),
        Arguments.of("key empty", server(Status.Code.INVALID_ARGUMENT, ErrorCode.KEY_EMPTY, ""), SAFE, RetryDecision.FAIL),
        Arguments.of("compacted", server(Status.Code.OUT_OF_RANGE, ErrorCode.COMPACTED, ""), SAFE, RetryDecision.FAIL));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void decidesByCodeAndIdempotence(String name, Failure failure, Idempotence idempotence, RetryDecision expected) {
    assertEquals(expected, RetryDecision.decide(failure, idempotence));
  }
}
