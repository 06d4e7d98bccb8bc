package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryGeneratorTest {

    @Test
    void theSameSeedGivesTheSameHistory() {
        HistoryGenerator.Settings settings = new HistoryGenerator.Settings(3, 5, 3, 200, 0.1, 4);
        assertEquals(HistoryGenerator.generate(settings), HistoryGenerator.generate(settings));
    }

    @Test
    void generatedHistoriesHaveEveryOutcomeAndAreLinearizable() {
        for (long seedCounter = 0; seedCounter < 50; seedCounter++) {
            long seed = seedCounter;
            List<Event> events = HistoryGenerator.generate(new HistoryGenerator.Settings(seed, 4, 2, 300, 0.1, 3));
            History history = History.of(events);
            assertEquals(300, history.size());
            for (Outcome outcome : List.of(Outcome.OK, Outcome.FAIL, Outcome.INFO)) {
                assertTrue(history.operations().stream().anyMatch(operation -> operation.outcome() == outcome),
                        "seed " + seed + " has no " + outcome);
            }
            CheckResult result = LinearizabilityChecker.check(history, Duration.ofSeconds(10));
            assertInstanceOf(Verdict.Linearizable.class, result.verdict(), () -> "seed " + seed + ": " + result.report());
        }
    }

    @Test
    void smallGeneratedHistoriesAgreeWithBruteForce() {
        for (long seed = 0; seed < 300; seed++) {
            History history = History.of(HistoryGenerator.generate(new HistoryGenerator.Settings(seed, 3, 1, 7, 0.3, 2)));
            assertTrue(BruteForceChecker.isLinearizable(history), "seed " + seed);
        }
    }
}
