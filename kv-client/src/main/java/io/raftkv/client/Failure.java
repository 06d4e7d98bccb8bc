package io.raftkv.client;

import io.grpc.Metadata;
import io.grpc.Status;
import io.raftkv.proto.api.NotLeader;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;

/**
 * One failed attempt, reduced to what the retry logic and the error messages need.
 *
 * @param endpoint the endpoint the attempt went to
 * @param status the gRPC status code
 * @param code the {@code raftkv-error} trailer ({@link ErrorCode#UNKNOWN} if absent)
 * @param message the server's description, or a short description of a transport failure
 * @param leaderAddress the leader's client address from a NOT_LEADER trailer; empty if none
 * @param serverReached whether a raftkv server produced this answer (false for transport errors)
 * @param connectFailed whether the connection could not be made, so the request was never sent
 */
record Failure(
    String endpoint,
    Status.Code status,
    ErrorCode code,
    String message,
    String leaderAddress,
    boolean serverReached,
    boolean connectFailed) {

  Failure {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(leaderAddress, "leaderAddress");
    if (connectFailed && serverReached) {
      throw new IllegalArgumentException("a failed connection cannot have reached the server");
    }
  }

  /** Reads a failed call's status and trailers. */
  static Failure of(String endpoint, Throwable error) {
    Status status = Status.fromThrowable(error);
    Metadata trailers = Status.trailersFromThrowable(error);
    ErrorCode code = ErrorCode.UNKNOWN;
    String leaderAddress = "";
    boolean hasHint = false;
    if (trailers != null) {
      code = ErrorCode.parse(trailers.get(Trailers.ERROR_CODE));
      NotLeader notLeader = parseNotLeader(trailers);
      if (notLeader != null) {
        hasHint = true;
        leaderAddress = notLeader.getLeaderAddress().trim();
      }
    }
    boolean transportOnly = code == ErrorCode.UNKNOWN && !hasHint && isTransportStatus(status.getCode());
    boolean connectFailed = transportOnly && isConnectFailure(status.getCause());
    String message = transportOnly ? describeTransport(status) : describeServer(status);
    return new Failure(endpoint, status.getCode(), code, message, leaderAddress, !transportOnly, connectFailed);
  }

  /** A bad trailer must not hide the error it came with, so a parse failure counts as no hint. */
  private static NotLeader parseNotLeader(Metadata trailers) {
    try {
      return trailers.get(Trailers.NOT_LEADER);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private static boolean isTransportStatus(Status.Code code) {
    return code == Status.Code.UNAVAILABLE
        || code == Status.Code.DEADLINE_EXCEEDED
        || code == Status.Code.CANCELLED
        || code == Status.Code.UNKNOWN;
  }

  private static boolean isConnectFailure(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof ConnectException || t instanceof UnknownHostException || t instanceof NoRouteToHostException) {
        return true;
      }
    }
    return false;
  }

  /** A few lower-case words, e.g. "connection refused", for one-line error messages. */
  private static String describeTransport(Status status) {
    for (Throwable t = status.getCause(); t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof UnknownHostException) {
        return "unknown host";
      }
      if (text.contains("connection refused")) {
        return "connection refused";
      }
      if (t instanceof NoRouteToHostException || text.contains("no route to host")) {
        return "no route to host";
      }
      if (text.contains("timed out")) {
        return "connect timed out";
      }
      if (text.contains("connection reset")) {
        return "connection reset";
      }
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "no answer before the deadline";
    }
    return describeServer(status);
  }

  private static String describeServer(Status status) {
    String description = status.getDescription();
    if (description == null || description.isBlank()) {
      return status.getCode().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
    return description;
  }

  /** Whether the server said it is not the leader (with or without knowing who is). */
  boolean isNotLeader() {
    return code == ErrorCode.NOT_LEADER
        || (code == ErrorCode.UNKNOWN && status == Status.Code.FAILED_PRECONDITION && !leaderAddress.isEmpty());
  }

  /** "message (endpoint)", used in timeout messages. */
  String summary() {
    return message + " (" + endpoint + ")";
  }
}
