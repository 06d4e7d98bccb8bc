package io.raftkv.check;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on one check. Deciding linearizability is NP-complete, so a check must be able to give up:
 * past {@code timeout} (for the whole history, all keys together) or once the memo of explored
 * search states of one key would exceed about {@code memoBytesMax} bytes, the verdict is
 * {@link Verdict.Unknown} with the reason. Immutable.
 */
public record CheckLimits(Duration timeout, long memoBytesMax) {

    /** 512 MiB: well under the default heap of our 24 GiB machines, far above what real histories need. */
    public static final long MEMO_BYTES_MAX_DEFAULT = 512L << 20;

    public CheckLimits {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        if (memoBytesMax < (1 << 20)) {
            throw new IllegalArgumentException("memoBytesMax must be at least 1 MiB, got " + memoBytesMax);
        }
    }

    public static CheckLimits of(Duration timeout) {
        return new CheckLimits(timeout, MEMO_BYTES_MAX_DEFAULT);
    }
}
