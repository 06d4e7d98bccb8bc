package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(100), 8);

  @Test
  void backoffDoublesWithinTheUpperHalfOfEachStep() {
    SplittableRandom random = new SplittableRandom(42);
    for (int retry = 0; retry < 50; retry++) {
      long planned = Math.min(100, 10L << Math.min(retry, 20));
      for (int draw = 0; draw < 100; draw++) {
        long millis = Duration.ofNanos(policy.backoffNanos(retry, random)).toMillis();
        assertTrue(millis >= planned / 2 && millis <= planned, "retry " + retry + " gave " + millis + "ms");
      }
    }
  }

  @Test
  void rejectsABackoffCapBelowTheStart() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofSeconds(1), Duration.ofMillis(1), 3));
  }

  @Test
  void rejectsZeroAttempts() {
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(1), 0));
  }
}
