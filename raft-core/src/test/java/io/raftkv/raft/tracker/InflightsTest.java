package io.raftkv.raft.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InflightsTest {
    @Test
    void isFullOnceTheCountLimitIsReached() {
        Inflights inflights = new Inflights(3, 1000);
        inflights.add(1, 10);
        inflights.add(2, 10);
        assertFalse(inflights.full());
        inflights.add(3, 10);
        assertTrue(inflights.full());
        assertEquals(3, inflights.count());
        assertEquals(30, inflights.bytes());
    }

    @Test
    void isFullOnceTheByteLimitIsReachedWhateverTheCount() {
        Inflights inflights = new Inflights(100, 50);
        inflights.add(1, 30);
        assertFalse(inflights.full());
        inflights.add(2, 20);
        assertTrue(inflights.full(), "bytes == limit counts as full");
    }

    @Test
    void aSingleAppendLargerThanTheByteLimitIsAcceptedWhenEmpty() {
        // The leader always sends at least one entry; the window must let it through once.
        Inflights inflights = new Inflights(4, 10);
        inflights.add(1, 1000);
        assertTrue(inflights.full());
    }

    @Test
    void freeLeReleasesEveryAppendAtOrBelowTheIndex() {
        Inflights inflights = new Inflights(10, 1000);
        for (long index = 1; index <= 5; index++) {
            inflights.add(index * 10, 7);
        }
        inflights.freeLe(25);
        assertEquals(3, inflights.count());
        assertEquals(21, inflights.bytes());
        inflights.freeLe(30);
        assertEquals(2, inflights.count());
        inflights.freeLe(29);
        assertEquals(2, inflights.count(), "a stale acknowledgement frees nothing");
        inflights.freeLe(1000);
        assertEquals(0, inflights.count());
        assertEquals(0, inflights.bytes());
    }

    @Test
    void freeLeFreesRoomForNewAppendsAcrossTheRingBoundary() {
        Inflights inflights = new Inflights(3, 1000);
        long next = 1;
        for (int round = 0; round < 10; round++) {
            while (!inflights.full()) {
                inflights.add(next++, 1);
            }
            inflights.freeLe(next - 2);
            assertEquals(1, inflights.count(), "round " + round);
        }
    }

    @Test
    void freeFirstOneFreesTheOldestAppendOnly() {
        Inflights inflights = new Inflights(3, 1000);
        inflights.freeFirstOne();
        assertEquals(0, inflights.count(), "nothing to free");
        inflights.add(4, 10);
        inflights.add(6, 20);
        inflights.freeFirstOne();
        assertEquals(1, inflights.count());
        assertEquals(20, inflights.bytes());
    }

    @Test
    void addingToAFullWindowIsAProgrammingError() {
        Inflights inflights = new Inflights(1, 1000);
        inflights.add(1, 1);
        assertThrows(AssertionError.class, () -> inflights.add(2, 1));
    }

    @Test
    void indexesMustIncrease() {
        Inflights inflights = new Inflights(5, 1000);
        inflights.add(5, 1);
        assertThrows(AssertionError.class, () -> inflights.add(5, 1));
        assertThrows(AssertionError.class, () -> inflights.add(4, 1));
    }

    @Test
    void resetEmptiesTheWindow() {
        Inflights inflights = new Inflights(2, 1000);
        inflights.add(1, 1);
        inflights.add(2, 1);
        inflights.reset();
        assertEquals(0, inflights.count());
        assertEquals(0, inflights.bytes());
        assertFalse(inflights.full());
        inflights.add(1, 1);
    }

    @Test
    void nonPositiveLimitsAreRejected() {
        assertThrows(AssertionError.class, () -> new Inflights(0, 10));
        assertThrows(AssertionError.class, () -> new Inflights(10, 0));
    }
}
