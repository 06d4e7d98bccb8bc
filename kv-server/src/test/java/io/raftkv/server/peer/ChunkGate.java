package io.raftkv.server.peer;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raftkv.proto.raft.RaftPeerGrpc;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds an InstallSnapshot call on the receiving server at chunk {@code stallAt} until the test
 * releases it, so the test can check what else gets through while a snapshot is mid-transfer.
 * Flow control then stops the sender too, exactly as a slow disk on the receiver would.
 */
final class ChunkGate implements ServerInterceptor {
    final CountDownLatch stalled = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final int stallAt;
    private final AtomicInteger chunks = new AtomicInteger();

    ChunkGate(int stallAt) {
        this.stallAt = stallAt;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                      ServerCallHandler<Q, R> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!call.getMethodDescriptor().getFullMethodName()
                .equals(RaftPeerGrpc.getInstallSnapshotMethod().getFullMethodName())) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                if (chunks.incrementAndGet() == stallAt) {
                    stalled.countDown();
                    awaitRelease();
                }
                super.onMessage(message);
            }
        };
    }

    private void awaitRelease() {
        try {
            if (!release.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("test never released the snapshot gate");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted at the snapshot gate", e);
        }
    }
}
