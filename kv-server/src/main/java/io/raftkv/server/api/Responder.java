package io.raftkv.server.api;

import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one request to completion: bounds it by the client's deadline or the server's request
 * timeout, whichever is sooner, and answers exactly once, with the value or the mapped error.
 */
final class Responder {
    /**
     * The request timers of every service in this JVM. Not CompletableFuture.orTimeout: its shared
     * scheduler (the common pool's, on JDK 25) is signalled for every request, about 10 us of CPU a
     * request in the benchmark profile. Here a new timer that is not the earliest wakes nobody, and
     * a cancelled one is removed at once, so the queue holds only requests in flight.
     */
    private static final ScheduledThreadPoolExecutor TIMEOUTS = timeouts();
    private final long requestTimeoutMillis;
    private final Leadership leadership;
    private final RequestMetrics metrics;

    Responder(long requestTimeoutMillis, Leadership leadership, RequestMetrics metrics) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.leadership = leadership;
        this.metrics = metrics;
    }

    private static ScheduledThreadPoolExecutor timeouts() {
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "raftkv-request-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        timers.setRemoveOnCancelPolicy(true);
        return timers;
    }

    /** Bound a request by its unary call's gRPC deadline, if any, and the server's request timeout. */
    static final long FROM_CALL = -1;

    /** Answers one unary call. */
    <T> void respond(String method, StreamObserver<T> observer, Supplier<CompletableFuture<T>> work) {
        respond(FROM_CALL, method, observer, work);
    }

    /**
     * Answers one request. {@code clientTimeoutMillis} is {@link #FROM_CALL}, or the deadline a
     * Stream request carries (0: none); the server's request timeout bounds it either way.
     */
    <T> void respond(long clientTimeoutMillis, String method, StreamObserver<T> observer,
                     Supplier<CompletableFuture<T>> work) {
        long timeoutMillis = clientTimeoutMillis == FROM_CALL ? timeoutMillis()
                : clientTimeoutMillis == 0 ? requestTimeoutMillis : Math.min(requestTimeoutMillis, clientTimeoutMillis);
        long start = System.nanoTime();
        CompletableFuture<T> future = started(work);
        // A request already answered (refused by validation, say) needs no timer.
        ScheduledFuture<?> timer = future.isDone() ? null
                : TIMEOUTS.schedule(() -> future.completeExceptionally(new TimeoutException()), timeoutMillis,
                        TimeUnit.MILLISECONDS);
        future.whenComplete((value, error) -> {
            if (timer != null) {
                timer.cancel(false);
            }
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

    private static <T> CompletableFuture<T> started(Supplier<CompletableFuture<T>> work) {
        try {
            return work.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The client's deadline or the server's request timeout, whichever is sooner. */
    private long timeoutMillis() {
        io.grpc.Deadline deadline = Context.current().getDeadline();
        if (deadline == null) {
            return requestTimeoutMillis;
        }
        return Math.max(1, Math.min(requestTimeoutMillis, deadline.timeRemaining(TimeUnit.MILLISECONDS)));
    }
}
