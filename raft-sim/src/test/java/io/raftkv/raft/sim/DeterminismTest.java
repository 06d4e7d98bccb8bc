package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class DeterminismTest {
    private static Simulation.Replay replay(long seed, int nodes) {
        return Simulation.replay(seed, nodes, FaultProfile.STANDARD, Set.of(),
                new Simulation.Options(Trace.hashed(), false, true));
    }

    @Test
    void theSameSeedTwiceGivesTheSameTraceAndHistory() {
        for (long seed : new long[] {3, 8, 21}) {
            Simulation.Replay first = replay(seed, 3);
            Simulation.Replay second = replay(seed, 3);
            assertTrue(first.traceLines() > 100, "a real run traces events: " + first.traceLines());
            assertEquals(first.result().traceHash(), second.result().traceHash(), "seed " + seed);
            assertEquals(first.historyLines(), second.historyLines(), "seed " + seed);
            assertEquals(first.result().stats().toString(), second.result().stats().toString());
        }
    }

    @Test
    void tracingARunDoesNotChangeIt() {
        for (long seed : new long[] {4, 7}) {
            SeedResult quiet = Simulation.run(seed, 5, FaultProfile.STANDARD, Set.of(), Simulation.Options.BATCH);
            SeedResult traced = replay(seed, 5).result();
            assertEquals(quiet.stats().toString(), traced.stats().toString(), "seed " + seed);
        }
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        assertNotEquals(replay(5, 5).result().traceHash(), replay(6, 5).result().traceHash());
    }

    @Test
    void aBatchFindsTheSameResultAsTheSameSeedRunAlone() {
        SeedBatch.Summary summary = SeedBatch.run(100, 8, SeedBatch.NodeCount.MIXED, FaultProfile.STANDARD, Set.of(), 2,
                false, result -> { });
        assertEquals(8, summary.seeds());
        assertEquals(0, summary.violations(), summary.line());
        SeedResult alone = Simulation.run(101, 5, FaultProfile.STANDARD, Set.of(), Simulation.Options.BATCH);
        assertNull(alone.property());
    }

    @Test
    void aCalmClusterCommitsTheWorkloadWithoutFailures() {
        SeedResult result = Simulation.run(9, 3, FaultProfile.CALM, Set.of(), Simulation.Options.BATCH);
        assertNull(result.property(), result.report());
        assertTrue(result.stats().operations() > 100, result.stats().toString());
        assertEquals(1, result.stats().leadersElected(), "no faults, one election: " + result.stats());
    }
}
