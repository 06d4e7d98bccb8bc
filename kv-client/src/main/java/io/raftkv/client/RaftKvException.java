package io.raftkv.client;

import io.grpc.Status;
import java.util.Objects;
import java.util.Optional;

/**
 * Base of every error the raftkv client reports. Unchecked, so blocking calls read like local
 * calls; async calls complete their future exceptionally with one of these (unwrap
 * {@link java.util.concurrent.CompletionException}).
 *
 * <p>Sealed: a {@code switch} over the subtypes is checked for exhaustiveness, and every failure
 * mode has exactly one type. Immutable and thread-safe.
 */
public abstract sealed class RaftKvException extends RuntimeException
    permits EmptyKeyException,
        KeyTooLargeException,
        ValueTooLargeException,
        TooManyOpsException,
        InvalidRequestException,
        NoLeaderException,
        TimeoutException,
        ResourceExhaustedException,
        CompactedException,
        MemberNotFoundException,
        UnavailableException,
        ServerException {

  private final Status.Code status;
  private final ErrorCode errorCode;
  private final String endpoint;

  /**
   * @param status the gRPC status code of the failed call (or the one the client chose for a
   *     failure it detected itself, such as DEADLINE_EXCEEDED)
   * @param errorCode the {@code raftkv-error} trailer, {@link ErrorCode#UNKNOWN} if absent
   * @param message the server's description, or the client's for client-side failures
   * @param endpoint the endpoint that answered; null when the failure is not tied to one
   */
  protected RaftKvException(Status.Code status, ErrorCode errorCode, String message, String endpoint) {
    super(message == null || message.isBlank() ? status.name().toLowerCase(java.util.Locale.ROOT) : message);
    this.status = Objects.requireNonNull(status, "status");
    this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    this.endpoint = endpoint;
  }

  /** The gRPC status code. */
  public Status.Code status() {
    return status;
  }

  /** The server's {@code raftkv-error} code; {@link ErrorCode#UNKNOWN} if there was none. */
  public ErrorCode errorCode() {
    return errorCode;
  }

  /** The endpoint (host:port) whose answer this is, if the failure came from one. */
  public Optional<String> endpoint() {
    return Optional.ofNullable(endpoint);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{status=" + status + ", code=" + errorCode
        + (endpoint == null ? "" : ", endpoint=" + endpoint) + ", message=" + getMessage() + "}";
  }
}
