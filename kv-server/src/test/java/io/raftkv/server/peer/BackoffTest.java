package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private static final long MS = 1_000_000;

    @Test
    void delaysDoubleWithJitterUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new SplittableRandom(1));
        long ceiling = 50 * MS;
        for (int attempt = 0; attempt < 20; attempt++) {
            long delay = backoff.nextNanos();
            assertTrue(delay >= ceiling / 2 && delay <= ceiling, "attempt " + attempt + ": " + delay + " vs " + ceiling);
            ceiling = Math.min(2000 * MS, ceiling * 2);
        }
    }

    @Test
    void resetStartsAgainFromTheMinimum() {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new SplittableRandom(1));
        for (int i = 0; i < 10; i++) {
            backoff.nextNanos();
        }
        backoff.reset();
        assertTrue(backoff.nextNanos() <= 50 * MS);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        assertEquals(delays(42), delays(42));
        assertTrue(!delays(42).equals(delays(43)), "different peers get different jitter");
    }

    private static List<Long> delays(long seed) {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), new SplittableRandom(seed));
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            out.add(backoff.nextNanos());
        }
        return out;
    }
}
