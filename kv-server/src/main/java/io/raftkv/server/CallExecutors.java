package io.raftkv.server;

import io.grpc.Metadata;
import io.grpc.ServerBuilder;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Chooses, per gRPC method, where a server's call callbacks run. The methods named here never wait:
 * their handlers validate, encode and offer to a bounded queue of the raft loop and answer from the
 * future it completes, or (a serializable read of one key) make one RocksDB point Get. They run on
 * the network thread that read them, which saves a hand-off to a pool thread (a futex wake and a
 * context switch) per request or peer batch. Every other method
 * (reads that touch RocksDB, snapshot chunks written to disk, membership and status calls) is
 * moved to the bounded {@code blocking} pool after gRPC looked it up.
 *
 * <p>A method named here must stay non-blocking: one that waits would stall every connection
 * served by the same network thread.
 */
public final class CallExecutors implements ServerCallExecutorSupplier {
    /** Runs on the calling thread. Not {@code directExecutor()}: gRPC would then refuse to switch executors. */
    private static final Executor INLINE = Runnable::run;

    private final Set<String> inlineMethods;
    private final Executor blocking;

    CallExecutors(Set<String> inlineMethods, Executor blocking) {
        this.inlineMethods = Set.copyOf(inlineMethods);
        this.blocking = blocking;
    }

    /**
     * Sets the server's executors: the methods in {@code inlineMethods} (full names, e.g.
     * {@code raftkv.api.KV/Put}) inline, all others on {@code blocking}.
     */
    public static <T extends ServerBuilder<T>> T apply(T builder, Set<String> inlineMethods, Executor blocking) {
        return builder.executor(INLINE).callExecutor(new CallExecutors(inlineMethods, blocking));
    }

    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata metadata) {
        return inlineMethods.contains(call.getMethodDescriptor().getFullMethodName()) ? null : blocking;
    }
}
