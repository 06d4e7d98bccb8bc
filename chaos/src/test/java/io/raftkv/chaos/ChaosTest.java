package io.raftkv.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The chaos runs CI makes on every build: a bounded run against 3 nodes and one against 5, through
 * the same code as bin/raftkv-chaos, with every fault kind; and a run against the deliberately
 * broken read mode, which must be caught. Needs root and ip netns (CI has both; elsewhere the
 * tests skip and say why). Seeds are fixed so a CI failure replays; {@code -Dchaos.seed=N} varies
 * them, and {@code -Dchaos.duration=120s} lengthens the runs.
 */
class ChaosTest {
    private static final String DURATION = System.getProperty("chaos.duration", "75s");
    private static final long SEED = Long.getLong("chaos.seed", 20_260_101L);

    @BeforeAll
    static void needsRootAndNamespaces() {
        String reason = Preflight.unavailableReason(new Shell(null));
        assumeTrue(reason == null, () -> "chaos tests skipped: " + reason);
    }

    @Test
    void threeAndFiveNodeClustersStayLinearizableAndKeepEveryAcknowledgedWrite() {
        List<ChaosReport> reports = new ArrayList<>();
        for (int nodes : List.of(3, 5)) {
            // Three nodes over KV streams (the client library's default), five over unary calls.
            ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--nodes", Integer.toString(nodes),
                    "--duration", DURATION, "--seed", Long.toString(SEED + nodes), "--faults", "all",
                    "--calls", nodes == 3 ? "stream" : "unary",
                    "--out", ChaosTestSupport.newRunDirectory("nodes-" + nodes).toString()));
            assertNotNull(run.report(), () -> "the " + nodes + "-node run did not complete: " + run.err());
            ChaosReport report = run.report();
            assertTrue(report.linearizable(), () -> nodes + " nodes: " + report.check().report());
            assertEquals(List.of(), report.lost(), nodes + " nodes: lost acknowledged writes");
            assertEquals(List.of(), report.crashes(), nodes + " nodes: nodes that died by themselves");
            assertEquals(ChaosMain.EXIT_PASSED, run.status());
            assertTrue(run.out().strip().endsWith(report.finalLine()), "the output ends with the chaos: line");
            reports.add(report);
        }
        int faults = reports.stream().mapToInt(ChaosReport::faultTotal).sum();
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        reports.forEach(report -> report.faults().forEach((kind, count) -> {
            if (count > 0) {
                kinds.add(kind);
            }
        }));
        int operations = reports.stream().mapToInt(ChaosReport::operations).sum();
        System.out.printf("chaos CI: %d operations checked, %d faults of %d kinds %s, run times %s%n", operations,
                faults, kinds.size(), kinds, reports.stream().map(report -> report.elapsed().toSeconds() + " s").toList());
        assertTrue(faults >= 30, "at least 30 faults across the runs, got " + faults);
        assertTrue(kinds.size() >= 6, "at least 6 kinds of fault across the runs, got " + kinds);
        assertTrue(operations >= 5000, "at least 5000 operations checked across the runs, got " + operations);
    }

    /**
     * Self-test of the harness: with {@code --unsafe-broken-reads} nodes answer "linearizable" reads
     * from local state, so a follower behind the leader, an isolated old leader or a paused leader
     * that wakes up serves stale values while the majority moves on. The run must say so.
     */
    @Test
    void aServerThatServesReadsLocallyIsCaught() {
        ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--nodes", "3", "--duration", "20s",
                "--seed", Long.toString(SEED), "--faults", "partition,pause-leader", "--unsafe-broken-reads",
                "--out", ChaosTestSupport.newRunDirectory("broken-reads").toString()));
        assertNotNull(run.report(), () -> "the run did not complete: " + run.err());
        assertFalse(run.report().linearizable(), "stale reads must make the history non-linearizable");
        assertEquals(ChaosMain.EXIT_VIOLATION, run.status());
        assertTrue(run.out().contains("linearizable: no"), run.out());
        assertTrue(run.out().strip().lines().reduce((a, b) -> b).orElseThrow()
                .matches("chaos: \\d+ ops, \\d+ faults, linearizable: no, lost acknowledged writes: \\d+"), run.out());
    }
}
