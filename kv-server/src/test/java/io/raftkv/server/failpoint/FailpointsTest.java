package io.raftkv.server.failpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FailpointsTest {
    private final List<Integer> halts = new ArrayList<>();
    private final List<Long> sleeps = new ArrayList<>();

    private Failpoints armed(Map<String, String> config) {
        return Failpoints.of(config, 3, halts::add, sleeps::add);
    }

    @Test
    void aDisabledInstanceDoesNothing() {
        Failpoints none = Failpoints.disabled();
        assertFalse(none.enabled());
        for (String name : Failpoints.NAMES) {
            none.hit(name);
        }
        assertFalse(armed(Map.of()).enabled());
        assertFalse(armed(Map.of(Failpoints.BEFORE_APPLY, "off")).enabled());
    }

    @Test
    void crashHaltsAtTheFirstHitWithTheFailpointStatus() {
        Failpoints failpoints = armed(Map.of(Failpoints.AFTER_LOG_APPEND, "crash"));
        failpoints.hit(Failpoints.BEFORE_LOG_APPEND);
        assertTrue(halts.isEmpty());
        failpoints.hit(Failpoints.AFTER_LOG_APPEND);
        assertEquals(List.of(Failpoints.CRASH_EXIT_STATUS), halts);
    }

    @Test
    void crashAfterHaltsAtTheNthHit() {
        Failpoints failpoints = armed(Map.of(Failpoints.BEFORE_APPLY, "crash-after:3"));
        failpoints.hit(Failpoints.BEFORE_APPLY);
        failpoints.hit(Failpoints.BEFORE_APPLY);
        assertTrue(halts.isEmpty());
        failpoints.hit(Failpoints.BEFORE_APPLY);
        assertEquals(1, halts.size());
    }

    @Test
    void stallSleepsAtEveryHit() {
        Failpoints failpoints = armed(Map.of(Failpoints.SNAPSHOT_SAVE, "stall:250"));
        failpoints.hit(Failpoints.SNAPSHOT_SAVE);
        failpoints.hit(Failpoints.SNAPSHOT_SAVE);
        assertEquals(List.of(250L, 250L), sleeps);
        assertTrue(halts.isEmpty());
        assertEquals("snapshot-save=stall:250", failpoints.describe());
    }

    @Test
    void crashProbabilityIsReplayableFromItsSeed() {
        List<Integer> first = hitsUntilHalt("crash-prob:0.1:42");
        List<Integer> second = hitsUntilHalt("crash-prob:0.1:42");
        assertEquals(first, second);
        assertEquals(1, armedHalts("crash-prob:1"));
    }

    private List<Integer> hitsUntilHalt(String action) {
        List<Integer> haltedAt = new ArrayList<>();
        int[] hit = {0};
        Failpoints failpoints = Failpoints.of(Map.of(Failpoints.AFTER_APPLY, action), 1,
                status -> haltedAt.add(hit[0]), millis -> { });
        for (hit[0] = 1; hit[0] <= 200 && haltedAt.isEmpty(); hit[0]++) {
            failpoints.hit(Failpoints.AFTER_APPLY);
        }
        assertFalse(haltedAt.isEmpty(), "p=0.1 over 200 hits halts at least once");
        return haltedAt;
    }

    private int armedHalts(String action) {
        armed(Map.of(Failpoints.SNAPSHOT_INSTALL, action)).hit(Failpoints.SNAPSHOT_INSTALL);
        return halts.size();
    }

    @Test
    void badNamesAndActionsAreRefusedWithTheReason() {
        String unknown = assertThrows(IllegalArgumentException.class,
                () -> armed(Map.of("before-everything", "crash"))).getMessage();
        assertTrue(unknown.startsWith("unknown failpoint 'before-everything'; the node has before-log-append"), unknown);
        for (String action : List.of("explode", "crash:1", "crash-after:0", "crash-after:x", "crash-prob:2",
                "stall:0", "stall:600000", "stall")) {
            String message = assertThrows(IllegalArgumentException.class,
                    () -> armed(Map.of(Failpoints.BEFORE_APPLY, action)), action).getMessage();
            assertTrue(message.startsWith("failpoint before-apply: bad action '" + action + "'"), message);
        }
    }
}
