package io.raftkv.server;

import io.grpc.Status;

/**
 * Every error the server answers with: the gRPC status code and the machine-readable code sent in
 * the {@code raftkv-error} trailer, which the client library turns into a typed exception.
 */
public enum ErrorCode {
    KEY_EMPTY(Status.Code.INVALID_ARGUMENT),
    KEY_TOO_LARGE(Status.Code.INVALID_ARGUMENT),
    VALUE_TOO_LARGE(Status.Code.INVALID_ARGUMENT),
    TOO_MANY_OPS(Status.Code.INVALID_ARGUMENT),
    BAD_REQUEST(Status.Code.INVALID_ARGUMENT),
    NOT_LEADER(Status.Code.FAILED_PRECONDITION),
    NO_LEADER(Status.Code.UNAVAILABLE),
    QUEUE_FULL(Status.Code.RESOURCE_EXHAUSTED),
    DISK_FULL(Status.Code.RESOURCE_EXHAUSTED),
    TIMEOUT(Status.Code.DEADLINE_EXCEEDED),
    /** The write's outcome is unknown (leadership changed); retrying with the same request id is safe. */
    LEADER_CHANGED(Status.Code.UNAVAILABLE),
    STOPPING(Status.Code.UNAVAILABLE),
    COMPACTED(Status.Code.OUT_OF_RANGE),
    MEMBER_NOT_FOUND(Status.Code.NOT_FOUND),
    MEMBER_INVALID(Status.Code.FAILED_PRECONDITION),
    STALE_SEQUENCE(Status.Code.FAILED_PRECONDITION),
    INTERNAL(Status.Code.INTERNAL);

    private final Status.Code statusCode;

    ErrorCode(Status.Code statusCode) {
        this.statusCode = statusCode;
    }

    public Status.Code statusCode() {
        return statusCode;
    }
}
