package io.raftkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReadinessGateTest {
    @Test
    void notReadyWithoutALeader() {
        Readiness readiness = new ReadinessGate().evaluate(0, 10, 10);
        assertFalse(readiness.ready());
        assertEquals("no leader known", readiness.reason());
    }

    @Test
    void readyOnceTheCommitIndexSeenWithTheFirstLeaderIsApplied() {
        ReadinessGate gate = new ReadinessGate();
        Readiness behind = gate.evaluate(2, 10, 7);
        assertFalse(behind.ready());
        assertEquals("applied index 7 is behind the commit index 10 seen when leader 2 became known", behind.reason());
        // The commit index keeps moving; the target stays where it was when the leader became known.
        assertFalse(gate.evaluate(2, 15, 9).ready());
        assertTrue(gate.evaluate(2, 20, 10).ready());
        // Once caught up, a lagging apply does not flap readiness; losing the leader does.
        assertTrue(gate.evaluate(2, 30, 25).ready());
        assertFalse(gate.evaluate(0, 30, 30).ready());
        assertTrue(gate.evaluate(3, 31, 30).ready());
    }

    @Test
    void aNodeThatIsNotReadyMustSayWhy() {
        assertThrows(IllegalArgumentException.class, () -> Readiness.notReady(" "));
    }
}
