package io.raftkv.server.peer;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Lets one writer thread wait until a gRPC client stream can take another message, without
 * buffering in gRPC: the stream's onReady handler calls {@link #signal}, its response observer
 * calls {@link #close} when the call ends, and the writer parks in {@link #awaitReady}. Every wait
 * has a timeout, so a peer that stops reading is noticed. Thread-safe.
 */
final class FlowGate {
    enum Outcome { READY, CLOSED, TIMED_OUT }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean closed;
    private Throwable cause;

    /** Called by gRPC when the stream becomes ready; wakes the writer. */
    void signal() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The call ended; the first cause wins. {@code cause} is null for a normal completion. */
    void close(Throwable cause) {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                this.cause = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Why the call ended, or null while it is open or when it completed normally. */
    Throwable cause() {
        lock.lock();
        try {
            return cause;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code isReady} holds, the call closes, or {@code timeoutNanos} pass. isReady is
     * re-checked under the lock after every wake-up, and gRPC flips it before calling the onReady
     * handler, so a signal cannot be lost between the check and the wait.
     */
    Outcome awaitReady(BooleanSupplier isReady, long timeoutNanos) throws InterruptedException {
        long remaining = timeoutNanos;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    return Outcome.CLOSED;
                }
                if (isReady.getAsBoolean()) {
                    return Outcome.READY;
                }
                if (remaining <= 0) {
                    return Outcome.TIMED_OUT;
                }
                remaining = changed.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the call closes or {@code timeoutNanos} pass; true if it closed. */
    boolean awaitClosed(long timeoutNanos) throws InterruptedException {
        long remaining = timeoutNanos;
        lock.lock();
        try {
            while (!closed && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            return closed;
        } finally {
            lock.unlock();
        }
    }
}
