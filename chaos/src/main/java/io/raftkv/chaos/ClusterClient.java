package io.raftkv.chaos;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels from the harness (root namespace, 10.77.0.254) to each slot's client port, raw
 * stubs on them, and the server's error trailers decoded. One channel per slot, shared by every
 * worker (HTTP/2 multiplexes). Thread-safe.
 */
final class ClusterClient implements AutoCloseable {
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("raftkv-error", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<NotLeader> NOT_LEADER = Metadata.Key.of("raftkv-not-leader-bin",
            ProtoUtils.metadataMarshaller(NotLeader.getDefaultInstance()));

    private final ManagedChannel[] channels;

    ClusterClient(int nodes) {
        channels = new ManagedChannel[nodes + 1];
        for (int slot = 1; slot <= nodes; slot++) {
            // Every call has a deadline, so a paused node costs a timeout, not a hung worker.
            channels[slot] = ManagedChannelBuilder.forAddress(Topology.address(slot), Topology.CLIENT_PORT)
                    .usePlaintext().directExecutor().build();
        }
    }

    int nodes() {
        return channels.length - 1;
    }

    KVGrpc.KVBlockingStub kv(int slot, Duration deadline) {
        return KVGrpc.newBlockingStub(channels[slot]).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    ClusterGrpc.ClusterBlockingStub cluster(int slot, Duration deadline) {
        return ClusterGrpc.newBlockingStub(channels[slot]).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    MaintenanceGrpc.MaintenanceBlockingStub maintenance(int slot, Duration deadline) {
        return MaintenanceGrpc.newBlockingStub(channels[slot]).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    MaintenanceGrpc.MaintenanceFutureStub maintenanceAsync(int slot, Duration deadline) {
        return MaintenanceGrpc.newFutureStub(channels[slot]).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    Optional<StatusResponse> status(int slot, Duration deadline) {
        try {
            return Optional.of(maintenance(slot, deadline).status(StatusRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            noteFailure(slot, e);
            return Optional.empty();
        }
    }

    /**
     * After a failure to connect, gRPC backs off for up to two minutes before dialling again; a node
     * restarted by the nemesis must be reachable at once, so reset the backoff.
     */
    void noteFailure(int slot, StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.UNAVAILABLE) {
            channels[slot].resetConnectBackoff();
        }
    }

    /** The {@code raftkv-error} trailer (ErrorCode name), or "" when the failure did not come from the server. */
    static String errorCode(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        String code = trailers == null ? null : trailers.get(ERROR_CODE);
        return code == null ? "" : code;
    }

    /** The leader named in a NOT_LEADER answer, as a slot (0 when unknown). */
    static int redirectSlot(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        NotLeader notLeader = trailers == null ? null : trailers.get(NOT_LEADER);
        return notLeader == null ? 0 : Topology.slotOf(notLeader.getLeaderAddress());
    }

    @Override
    public void close() {
        for (int slot = 1; slot < channels.length; slot++) {
            channels[slot].shutdownNow();
        }
        for (int slot = 1; slot < channels.length; slot++) {
            try {
                channels[slot].awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
