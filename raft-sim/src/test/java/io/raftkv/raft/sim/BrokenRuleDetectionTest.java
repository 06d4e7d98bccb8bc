package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.BrokenRule;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator's teeth: with each deliberately broken rule of raft-core switched on, it must report
 * a safety violation within {@link #SEEDS_MAX} seeds from a fixed first seed (so the test is
 * deterministic). A rule that stops being caught means the simulator lost strength, not that the
 * bound should grow.
 */
class BrokenRuleDetectionTest {
    static final long FIRST_SEED = 1;
    static final int SEEDS_MAX = 3000;

    @Test
    void committingAnEarlierTermsEntryByCountingIsCaughtUnderLeaderCrashes() {
        assertCaught(BrokenRule.COMMIT_EARLIER_TERM_BY_COUNTING, FaultProfile.LEADER_CRASHES,
                new SeedBatch.NodeCount(3), Simulation.Options.BATCH);
    }

    @Test
    void votingWithoutTheLogCheckIsCaught() {
        assertCaught(BrokenRule.VOTE_WITHOUT_LOG_CHECK, FaultProfile.STANDARD, SeedBatch.NodeCount.MIXED,
                Simulation.Options.BATCH);
    }

    @Test
    void readingWithoutAHeartbeatRoundIsCaughtWhenDeposedLeadersServeReads() {
        assertCaught(BrokenRule.READ_WITHOUT_HEARTBEAT_ROUND, FaultProfile.STALE_LEADERS, SeedBatch.NodeCount.MIXED,
                Simulation.Options.BATCH);
    }

    @Test
    void readingWithoutAHeartbeatRoundIsCaughtInTheStandardMix() {
        assertCaught(BrokenRule.READ_WITHOUT_HEARTBEAT_ROUND, FaultProfile.STANDARD, SeedBatch.NodeCount.MIXED,
                Simulation.Options.BATCH);
    }

    @Test
    void acknowledgingBeforePersistingIsCaught() {
        assertCaught(BrokenRule.ACK_BEFORE_PERSIST, FaultProfile.STANDARD, SeedBatch.NodeCount.MIXED,
                Simulation.Options.BATCH);
    }

    /** Without the direct check of durable promises, crashes must expose the early acknowledgement. */
    @Test
    void acknowledgingBeforePersistingIsCaughtByItsConsequencesWhenLeadersCrash() {
        assertCaught(BrokenRule.ACK_BEFORE_PERSIST, FaultProfile.LEADER_CRASHES, new SeedBatch.NodeCount(3),
                new Simulation.Options(Trace.off(), false, false));
    }

    private static void assertCaught(BrokenRule rule, FaultProfile profile, SeedBatch.NodeCount nodes,
                                     Simulation.Options options) {
        SeedBatch.Summary summary = SeedBatch.run(FIRST_SEED, SEEDS_MAX, nodes, profile, Set.of(rule), options,
                Runtime.getRuntime().availableProcessors(), true, result -> { });
        long seed = summary.firstViolatingSeed();
        assertTrue(seed >= 0, rule + " was not caught in " + SEEDS_MAX + " seeds from seed " + FIRST_SEED + " (profile "
                + profile + ", nodes " + nodes + "): " + summary.line());
        SeedResult first = summary.problems().stream().filter(result -> result.scenario().seed() == seed).findFirst()
                .orElseThrow();
        System.out.printf("%s caught after %d seeds (seed %d, %d nodes): %s: %s%n  replay: %s%n", rule,
                seed - FIRST_SEED + 1, seed, first.scenario().nodes(), first.property(),
                first.detail().lines().findFirst().orElse(""), first.replayCommand());
        assertNotEquals("liveness", first.property(), "a broken safety rule must show as a safety violation: "
                + first.report());
    }
}
