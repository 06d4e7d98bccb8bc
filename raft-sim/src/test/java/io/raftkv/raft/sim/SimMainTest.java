package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimMainTest {
    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = SimMain.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aBatchEndsWithTheSummaryLine() {
        Run run = run("--seeds", "6", "--first-seed", "40", "--nodes", "3", "--threads", "2");
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().contains("simulated 6 seeds: 0 violations"), run.out());
        assertTrue(run.out().contains("seeds/s"), run.out());
    }

    @Test
    void aReplayPrintsTheTraceOfTheSeed() {
        Run run = run("--seed", "40", "--nodes", "3");
        assertEquals(0, run.status(), run.out());
        assertTrue(run.out().contains("t=    0 scenario seed=40 nodes=3"), run.out());
        assertTrue(run.out().contains("became LEADER"), run.out());
        assertTrue(run.out().contains("simulated 1 seeds: 0 violations"), run.out());
    }

    @Test
    void aViolationExitsWithOneAndPrintsTheReplayCommand() {
        Run run = run("--seeds", "3", "--first-seed", "1", "--nodes", "3", "--broken", "ACK_BEFORE_PERSIST");
        assertEquals(1, run.status(), run.out());
        assertTrue(run.out().contains("replay: bin/raftkv-sim --seed 1 --nodes 3 --broken ACK_BEFORE_PERSIST"), run.out());
    }

    @Test
    void badArgumentsAreNamedAndExitWithTwo() {
        Run run = run("--seeds", "x");
        assertEquals(2, run.status());
        assertTrue(run.err().contains("--seeds needs an integer, got x"), run.err());
        assertEquals(2, run("--nodes", "4", "--seeds", "1").status());
        assertEquals(2, run("--seed", "1", "--seeds", "1").status());
    }
}
