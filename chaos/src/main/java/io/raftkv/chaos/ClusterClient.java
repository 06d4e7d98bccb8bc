package io.raftkv.chaos;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.StreamObserver;
import io.raftkv.client.KvStreams;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * gRPC channels from the harness (root namespace, 10.77.0.254) to each slot's client port, raw
 * stubs on them, and the server's error trailers decoded. One channel per slot, shared by every
 * worker (HTTP/2 multiplexes). The workers' reads, writes and CAS ({@link #range}, {@link #put},
 * {@link #txn}) go either over one KV stream per slot ({@link KvStreams}, as the client library
 * sends them) or as a unary call each; both end in the same StatusRuntimeException on failure, so
 * the workers' retry rules are the same. Thread-safe.
 */
final class ClusterClient implements AutoCloseable {
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("raftkv-error", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<NotLeader> NOT_LEADER = Metadata.Key.of("raftkv-not-leader-bin",
            ProtoUtils.metadataMarshaller(NotLeader.getDefaultInstance()));

    private final ManagedChannel[] channels;
    private final boolean streams;
    /** One KV stream per slot's channel, reopened after it ends. */
    private final KvStreams kvStreams;
    /** Request deadlines of the streams. */
    private final ScheduledThreadPoolExecutor timers;

    ClusterClient(int nodes, boolean streams) {
        this.streams = streams;
        this.timers = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "chaos-stream-timers");
            thread.setDaemon(true);
            return thread;
        });
        this.timers.setRemoveOnCancelPolicy(true);
        this.kvStreams = new KvStreams(timers);
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

    RangeResponse range(int slot, RangeRequest request, Duration deadline) {
        return streams ? viaStream(slot, KVGrpc.getRangeMethod(), request, deadline) : kv(slot, deadline).range(request);
    }

    PutResponse put(int slot, PutRequest request, Duration deadline) {
        return streams ? viaStream(slot, KVGrpc.getPutMethod(), request, deadline) : kv(slot, deadline).put(request);
    }

    TxnResponse txn(int slot, TxnRequest request, Duration deadline) {
        return streams ? viaStream(slot, KVGrpc.getTxnMethod(), request, deadline) : kv(slot, deadline).txn(request);
    }

    /** One request on the slot's stream, waited for as a blocking stub would. */
    private <Q, R> R viaStream(int slot, MethodDescriptor<Q, R> method, Q request, Duration deadline) {
        CompletableFuture<R> answer = new CompletableFuture<>();
        kvStreams.send(channels[slot], method, request, deadline.toNanos(), new StreamObserver<>() {
            private R value;

            @Override
            public void onNext(R response) {
                value = response;
            }

            @Override
            public void onError(Throwable error) {
                answer.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                answer.complete(value);
            }
        });
        try {
            // The stream fails the request at its deadline; the margin only guards against a bug there.
            return answer.get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Status.CANCELLED.withDescription("interrupted").withCause(e).asRuntimeException();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a KV stream request outlived its deadline of " + deadline, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw status;
            }
            throw new IllegalStateException("a KV stream request failed without a status", e.getCause());
        }
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
        timers.shutdownNow();
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
