package io.raftkv.server.peer;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.BatchAck;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftPeerGrpc;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A PeerService on an in-process server plus a raw client, for feeding it hand-made (often bad)
 * batches and chunks that PeerTransport would never produce.
 */
final class InProcessPeer implements AutoCloseable {
    final PeerConfig config;
    final RecordingHandler inbound;
    final PeerService service;
    private final ThreadPoolExecutor executor =
            new ThreadPoolExecutor(2, 2, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(64));
    private final Server server;
    private final ManagedChannel channel;

    InProcessPeer(PeerConfig config, int inboundCapacity) throws IOException {
        this.config = config;
        this.inbound = new RecordingHandler(inboundCapacity);
        this.service = new PeerService(config, inbound);
        String name = InProcessServerBuilder.generateName();
        this.server = InProcessServerBuilder.forName(name).addService(service).executor(executor).build().start();
        this.channel = InProcessChannelBuilder.forName(name).build();
    }

    static PeerConfig config(long cluster, long node, Path snapshotsRoot) {
        return PeerConfig.builder(cluster, node, snapshotsRoot).build();
    }

    /** A Send stream: what the client wrote, and how the server ended it. */
    record SendCall(StreamObserver<MessageBatch> requests, CompletableFuture<BatchAck> outcome) {}

    SendCall openSend() {
        CompletableFuture<BatchAck> outcome = new CompletableFuture<>();
        StreamObserver<MessageBatch> requests = RaftPeerGrpc.newStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .send(new Collector<>(outcome));
        return new SendCall(requests, outcome);
    }

    /** Sends the chunks, half-closes, and returns the server's answer. */
    CompletableFuture<SnapshotAck> installSnapshot(List<SnapshotChunk> chunks) {
        CompletableFuture<SnapshotAck> outcome = new CompletableFuture<>();
        StreamObserver<SnapshotChunk> requests = RaftPeerGrpc.newStub(channel)
                .withDeadlineAfter(30, TimeUnit.SECONDS)
                .installSnapshot(new Collector<>(outcome));
        for (SnapshotChunk chunk : chunks) {
            requests.onNext(chunk);
        }
        requests.onCompleted();
        return outcome;
    }

    /** Opens an InstallSnapshot call the test drives chunk by chunk. */
    StreamObserver<SnapshotChunk> openInstallSnapshot(CompletableFuture<SnapshotAck> outcome) {
        return RaftPeerGrpc.newStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                .installSnapshot(new Collector<>(outcome));
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        try {
            if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("in-process peer server did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the in-process peer", e);
        } finally {
            executor.shutdownNow();
        }
    }

    /** Completes with the single response, or exceptionally with the call's error status. */
    private static final class Collector<T> implements StreamObserver<T> {
        private final CompletableFuture<T> outcome;
        private T value;

        Collector(CompletableFuture<T> outcome) {
            this.outcome = outcome;
        }

        @Override
        public void onNext(T next) {
            value = next;
        }

        @Override
        public void onError(Throwable cause) {
            outcome.completeExceptionally(cause);
        }

        @Override
        public void onCompleted() {
            outcome.complete(value);
        }
    }
}
