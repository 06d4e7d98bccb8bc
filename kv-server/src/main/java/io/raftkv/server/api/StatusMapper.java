package io.raftkv.server.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place errors become gRPC statuses. Every error carries the {@code raftkv-error} trailer
 * (an {@link ErrorCode} name); NOT_LEADER and NO_LEADER also carry {@code raftkv-not-leader-bin}
 * with the leader's id and client address, so a client can go straight to the leader.
 */
public final class StatusMapper {
    private static final Logger log = LoggerFactory.getLogger(StatusMapper.class);

    public static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("raftkv-error", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<NotLeader> NOT_LEADER =
            Metadata.Key.of("raftkv-not-leader-bin", ProtoUtils.metadataMarshaller(NotLeader.getDefaultInstance()));

    private StatusMapper() {}

    public static StatusRuntimeException toStatus(Throwable error, String method) {
        Throwable cause = unwrap(error);
        if (cause instanceof ServerException server) {
            return toStatus(server);
        }
        if (cause instanceof TimeoutException) {
            return toStatus(ServerException.of(ErrorCode.TIMEOUT, "%s timed out before the cluster answered", method));
        }
        if (cause instanceof CancellationException) {
            return toStatus(ServerException.of(ErrorCode.TIMEOUT, "%s was cancelled", method));
        }
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        log.error("{} failed with an unexpected error", method, cause);
        return toStatus(ServerException.of(ErrorCode.INTERNAL, "%s failed: %s", method, cause));
    }

    public static StatusRuntimeException toStatus(ServerException error) {
        Metadata trailers = new Metadata();
        trailers.put(ERROR_CODE, error.code().name());
        if (error.code() == ErrorCode.NOT_LEADER || error.code() == ErrorCode.NO_LEADER) {
            trailers.put(NOT_LEADER, NotLeader.newBuilder()
                    .setLeaderId(error.leaderId()).setLeaderAddress(error.leaderAddress()).build());
        }
        return Status.fromCode(error.code().statusCode()).withDescription(error.getMessage()).asRuntimeException(trailers);
    }

    /** The failure inside CompletionException/ExecutionException wrappers. */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
