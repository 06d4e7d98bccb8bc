package io.raftkv.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How a request is retried within its deadline: jittered exponential backoff between
 * {@code initialBackoff} and {@code maxBackoff}, and at most {@code maxAttempts} attempts in all.
 * The deadline usually ends retrying first; the attempt cap bounds the loop when answers come
 * back fast (for example a follower redirecting to a leader that is itself redirecting).
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, int maxAttempts) {
  public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(25), Duration.ofMillis(500), 64);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || initialBackoff.isZero()) {
      throw new IllegalArgumentException("initialBackoff must be positive, got " + initialBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff " + maxBackoff + " is below initialBackoff " + initialBackoff);
    }
    if (maxAttempts < 1 || maxAttempts > 10_000) {
      throw new IllegalArgumentException("maxAttempts must be 1..10000, got " + maxAttempts);
    }
  }

  /**
   * The pause before backoff number {@code retry} (0 for the first): initial * 2^retry capped at
   * max, then a uniform draw from its upper half ("equal jitter"), so clients that failed together
   * do not retry together, yet none retries much sooner than planned.
   */
  long backoffNanos(int retry, RandomGenerator random) {
    long initial = initialBackoff.toNanos();
    long max = maxBackoff.toNanos();
    long planned = retry >= 30 ? max : Math.min(max, initial << retry);
    long half = planned / 2;
    return half + random.nextLong(half + 1);
  }
}
