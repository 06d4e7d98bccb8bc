package io.raftkv.server.api;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs one request to completion: bounds it by the client's deadline or the server's request
 * timeout, whichever is sooner, and answers exactly once, with the value or the mapped error.
 */
final class Responder {
    private final long requestTimeoutMillis;
    private final Leadership leadership;
    private final RequestMetrics metrics;

    Responder(long requestTimeoutMillis, Leadership leadership, RequestMetrics metrics) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.leadership = leadership;
        this.metrics = metrics;
    }

    <T> void respond(String method, StreamObserver<T> observer, Supplier<CompletableFuture<T>> work) {
        long start = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = work.get();
        } catch (RuntimeException e) {
            future = CompletableFuture.failedFuture(e);
        }
        long timeout = requestTimeoutMillis;
        io.grpc.Deadline deadline = Context.current().getDeadline();
        if (deadline != null) {
            timeout = Math.max(1, Math.min(timeout, deadline.timeRemaining(TimeUnit.MILLISECONDS)));
        }
        future.orTimeout(timeout, TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
            if (error == null) {
                metrics.record(method, "OK", System.nanoTime() - start);
                observer.onNext(value);
                observer.onCompleted();
            } else {
                io.grpc.StatusRuntimeException status = StatusMapper.toStatus(leadership.withLeaderAddress(error), method);
                metrics.record(method, status.getStatus().getCode().name(), System.nanoTime() - start);
                observer.onError(status);
            }
        });
    }
}
