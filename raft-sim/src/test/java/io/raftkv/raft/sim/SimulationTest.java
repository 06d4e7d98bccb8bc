package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.raft.BrokenRule;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The CI run of the simulator: {@code -Dsim.seeds} seeds (default 12000), half on 3-node and half
 * on 5-node clusters, from a fresh first seed each run (printed; {@code -Dsim.firstSeed} pins it).
 * Any violation fails the test with the seed and the command that replays it.
 *
 * <p>Replay one seed with its trace: {@code -Dsim.seed=S -Dsim.nodes=N} (and {@code -Dsim.profile},
 * {@code -Dsim.broken} if the report names them).
 */
class SimulationTest {
    private static final long FIRST_SEED = Long.getLong("sim.firstSeed", SimMain.freshSeed());
    private static final int SEEDS = Integer.getInteger("sim.seeds", 12000);
    private static final int THREADS = Runtime.getRuntime().availableProcessors();

    @Test
    void threeNodeClustersStaySafeLiveAndLinearizableUnderFaults() {
        runBatch(3, SEEDS / 2);
    }

    @Test
    void fiveNodeClustersStaySafeLiveAndLinearizableUnderFaults() {
        runBatch(5, SEEDS - SEEDS / 2);
    }

    @Test
    void aSeedNamedOnTheCommandLineReplaysWithItsTrace() {
        Long seed = Long.getLong("sim.seed");
        if (seed == null) {
            return;
        }
        int nodes = Integer.getInteger("sim.nodes", SeedBatch.NodeCount.MIXED.forSeed(seed));
        FaultProfile profile = FaultProfile.valueOf(System.getProperty("sim.profile", "STANDARD").toUpperCase(Locale.ROOT));
        Set<BrokenRule> broken = EnumSet.noneOf(BrokenRule.class);
        for (String rule : System.getProperty("sim.broken", "").split(",")) {
            if (!rule.isBlank()) {
                broken.add(BrokenRule.valueOf(rule.trim().toUpperCase(Locale.ROOT)));
            }
        }
        Simulation.Replay replay = Simulation.replay(seed, nodes, profile, broken,
                new Simulation.Options(Trace.printing(System.out), Boolean.getBoolean("sim.coreLog"), true));
        System.out.println("stats: " + replay.result().stats());
        assertEquals(null, replay.result().property(), replay.result().report());
    }

    private static void runBatch(int nodes, int seeds) {
        if (Long.getLong("sim.seed") != null || seeds <= 0) {
            return;
        }
        System.out.printf("simulating %d seeds on %d-node clusters from first seed %d (pin with -Dsim.firstSeed=%d)%n",
                seeds, nodes, FIRST_SEED, FIRST_SEED);
        SeedBatch.Summary summary = SeedBatch.run(FIRST_SEED, seeds, new SeedBatch.NodeCount(nodes),
                FaultProfile.STANDARD, Set.of(), THREADS, false, result -> {
                    synchronized (System.out) {
                        System.out.print(result.report());
                    }
                });
        System.out.println(summary.line());
        StringBuilder reports = new StringBuilder();
        summary.problems().stream().filter(SeedResult::violated).forEach(result -> reports.append(result.report()));
        assertEquals(0, summary.violations(), summary.line() + "\n" + reports);
    }
}
