package io.raftkv.client;

import io.grpc.Status;

/** Maps a failure the client will not retry to its typed exception. Stateless. */
final class Exceptions {
  private Exceptions() {}

  static RaftKvException of(Failure failure) {
    Status.Code status = failure.status();
    ErrorCode code = failure.code();
    String message = failure.message();
    String endpoint = failure.endpoint();
    return switch (code) {
      case KEY_EMPTY -> new EmptyKeyException(status, code, message, endpoint);
      case KEY_TOO_LARGE -> new KeyTooLargeException(status, code, message, endpoint);
      case VALUE_TOO_LARGE -> new ValueTooLargeException(status, code, message, endpoint);
      case TOO_MANY_OPS -> new TooManyOpsException(status, code, message, endpoint);
      case BAD_REQUEST, MEMBER_INVALID -> new InvalidRequestException(status, code, message, endpoint);
      case NOT_LEADER, NO_LEADER -> new NoLeaderException(status, code, message, endpoint);
      case QUEUE_FULL, DISK_FULL -> new ResourceExhaustedException(status, code, message, endpoint);
      case TIMEOUT -> timeout(failure, 1, "server timed out: " + failure.summary());
      case LEADER_CHANGED, STOPPING -> new UnavailableException(status, code, message, endpoint);
      case COMPACTED -> new CompactedException(status, code, message, endpoint);
      case MEMBER_NOT_FOUND -> new MemberNotFoundException(status, code, message, endpoint);
      case STALE_SEQUENCE, INTERNAL -> new ServerException(status, code, message, endpoint);
      case UNKNOWN -> ofStatus(failure);
    };
  }

  /** Without a raftkv-error code (a proxy, an old server, the transport), judge by the status. */
  private static RaftKvException ofStatus(Failure failure) {
    Status.Code status = failure.status();
    ErrorCode code = failure.code();
    String message = failure.message();
    String endpoint = failure.endpoint();
    return switch (status) {
      case INVALID_ARGUMENT -> new InvalidRequestException(status, code, message, endpoint);
      case RESOURCE_EXHAUSTED -> new ResourceExhaustedException(status, code, message, endpoint);
      case OUT_OF_RANGE -> new CompactedException(status, code, message, endpoint);
      case DEADLINE_EXCEEDED -> timeout(failure, 1, "deadline exceeded: " + failure.summary());
      case UNAVAILABLE, CANCELLED -> new UnavailableException(status, code, message, endpoint);
      case FAILED_PRECONDITION -> failure.isNotLeader()
          ? new NoLeaderException(status, code, message, endpoint)
          : new ServerException(status, code, message, endpoint);
      default -> new ServerException(status, code, message, endpoint);
    };
  }

  private static TimeoutException timeout(Failure failure, int attempts, String message) {
    return new TimeoutException(
        failure.code(),
        message,
        failure.endpoint(),
        attempts,
        failure.serverReached(),
        java.util.Map.of(failure.endpoint(), failure.message()));
  }
}
