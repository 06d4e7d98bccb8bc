package io.raftkv.check;

import java.time.Duration;

/** A point in {@link System#nanoTime()} time after which a check gives up. Immutable. */
final class Deadline {
    private final long deadlineNanos;
    private final Duration timeout;

    private Deadline(long deadlineNanos, Duration timeout) {
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
    }

    static Deadline after(Duration timeout) {
        Invariants.check(!timeout.isNegative(), "timeout must not be negative: %s", timeout);
        // Saturates so a huge timeout means "effectively never" instead of overflowing into the past.
        long nanos = timeout.compareTo(Duration.ofDays(365)) > 0 ? Duration.ofDays(365).toNanos() : timeout.toNanos();
        return new Deadline(System.nanoTime() + nanos, timeout);
    }

    boolean passed() {
        return System.nanoTime() - deadlineNanos >= 0;
    }

    Duration timeout() {
        return timeout;
    }
}
