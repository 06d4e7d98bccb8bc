package io.raftkv.server.peer;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential reconnect delay with jitter: each failure doubles the ceiling from min up to max,
 * and the delay is drawn from the upper half of it ("equal jitter"), so nodes that lost a peer at
 * the same moment do not all redial it in lock step, yet no delay falls below half the ceiling.
 * The random source is passed in (seeded per node and peer) so runs can be replayed.
 * Not thread-safe; owned by one sender thread.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private long ceilingNanos;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
        io.raftkv.raft.Invariants.check(minNanos > 0 && maxNanos >= minNanos,
                "backoff needs 0 < min <= max, got min=%s max=%s", min, max);
        reset();
    }

    /** The delay before the next attempt; raises the ceiling for the one after. */
    long nextNanos() {
        long ceiling = ceilingNanos;
        ceilingNanos = Math.min(maxNanos, ceiling * 2);
        long half = ceiling / 2;
        long delay = half + random.nextLong(ceiling - half + 1);
        io.raftkv.raft.Invariants.check(delay >= half && delay <= maxNanos, "backoff delay %d outside [%d, %d]",
                delay, half, maxNanos);
        return delay;
    }

    /** After a connection that stayed healthy: start again from min. */
    void reset() {
        ceilingNanos = minNanos;
    }
}
