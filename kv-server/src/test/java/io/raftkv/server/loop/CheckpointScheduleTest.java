package io.raftkv.server.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CheckpointScheduleTest {
    @Test
    void threeConsecutiveNodeIdsGetThreeGridsAThirdOfAnIntervalApart() {
        Set<Long> phases = new HashSet<>();
        for (long id = 1; id <= 3; id++) {
            phases.add(CheckpointSchedule.forNode(id, 300).phase());
        }
        assertEquals(Set.of(0L, 100L, 200L), phases);
    }

    @Test
    void theGridPointAtOrBelowAnIndexIsOnTheNodesPhase() {
        CheckpointSchedule schedule = new CheckpointSchedule(30, 10);
        assertEquals(-10, schedule.pointAtOrBelow(0));
        assertEquals(20, schedule.pointAtOrBelow(20));
        assertEquals(20, schedule.pointAtOrBelow(49));
        assertEquals(50, schedule.pointAtOrBelow(50));
        assertEquals(80, schedule.pointAtOrBelow(81));
    }

    @Test
    void aLateStartDoesNotMoveTheNextCheckpoint() {
        CheckpointSchedule schedule = new CheckpointSchedule(30, 10);
        // Due at 50, but the previous checkpoint ran until 57: the next is still due at 80, not 87.
        long start = schedule.pointAtOrBelow(57);
        assertEquals(50, start);
        assertFalse(schedule.due(start, 79));
        assertTrue(schedule.due(start, 80));
        assertEquals(1, schedule.remaining(start, 79));
    }

    @Test
    void aPointSkippedWhileACheckpointRanIsNotMadeUpFor() {
        CheckpointSchedule schedule = new CheckpointSchedule(30, 0);
        // Started at 30, still running at 60 and 61: the next start, at 62, counts from 60.
        assertTrue(schedule.due(30, 62));
        assertEquals(60, schedule.pointAtOrBelow(62));
        assertFalse(schedule.due(schedule.pointAtOrBelow(62), 89));
    }

    @Test
    void theLargestIntervalNeverComesDue() {
        CheckpointSchedule schedule = CheckpointSchedule.forNode(2, Long.MAX_VALUE);
        long start = schedule.pointAtOrBelow(1_000_000);
        assertFalse(schedule.due(start, 1_000_000));
        assertTrue(schedule.remaining(start, 1_000_000) > 0);
    }

    @Test
    void aPhaseOutsideTheIntervalIsRefused() {
        assertThrows(AssertionError.class, () -> new CheckpointSchedule(30, 30));
        assertThrows(AssertionError.class, () -> new CheckpointSchedule(0, 0));
    }
}
