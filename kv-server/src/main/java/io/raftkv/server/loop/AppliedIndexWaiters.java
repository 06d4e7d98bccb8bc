package io.raftkv.server.loop;

import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Futures waiting until the state machine has applied a given index: a linearizable read is
 * served once the applied index reaches its read index. Bounded; thread-safe (the apply thread
 * releases, request threads register).
 */
final class AppliedIndexWaiters {
    private record Waiter(long index, CompletableFuture<Long> future) {}

    private final int capacity;
    private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> Long.compare(a.index, b.index));
    private long applied;

    AppliedIndexWaiters(int capacity, long applied) {
        this.capacity = capacity;
        this.applied = applied;
    }

    /** A future completing once {@code index} is applied (at once if it already is). */
    synchronized CompletableFuture<Long> await(long index) {
        if (index <= applied) {
            return CompletableFuture.completedFuture(applied);
        }
        if (waiters.size() >= capacity) {
            return CompletableFuture.failedFuture(ServerException.of(ErrorCode.QUEUE_FULL,
                    "%d reads already wait for the state machine to catch up", capacity));
        }
        CompletableFuture<Long> future = new CompletableFuture<>();
        waiters.add(new Waiter(index, future));
        return future;
    }

    void appliedTo(long index) {
        java.util.List<Waiter> ready = new java.util.ArrayList<>();
        synchronized (this) {
            applied = Math.max(applied, index);
            while (!waiters.isEmpty() && waiters.peek().index <= applied) {
                ready.add(waiters.poll());
            }
        }
        // Completed outside the lock: completion runs the reads' continuations.
        for (Waiter waiter : ready) {
            waiter.future.complete(index);
        }
    }

    void failAll(ServerException error) {
        java.util.List<Waiter> all;
        synchronized (this) {
            all = new java.util.ArrayList<>(waiters);
            waiters.clear();
        }
        all.forEach(waiter -> waiter.future.completeExceptionally(error));
    }

    synchronized int size() {
        return waiters.size();
    }
}
