package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Compares the checker with {@link BruteForceChecker} on thousands of small random histories,
 * most of them not linearizable, with every kind of outcome mixed in. The reference knows nothing
 * of partitioning, memo or entry lists, so agreement tests all three.
 */
class BruteForceComparisonTest {
    private static final int HISTORIES = 4000;
    private static final long SEED = 20240611L;

    @Test
    void theCheckerAgreesWithBruteForceOnSmallRandomHistories() {
        SplittableRandom seeds = new SplittableRandom(SEED);
        int linearizable = 0;
        for (int i = 0; i < HISTORIES; i++) {
            long seed = seeds.nextLong();
            History history = History.of(randomEvents(new SplittableRandom(seed)));
            boolean expected = BruteForceChecker.isLinearizable(history);
            CheckResult result = LinearizabilityChecker.check(history, Duration.ofSeconds(10));
            assertEquals(expected, result.isLinearizable(), () -> "seed=" + seed + "\n" + result.report());
            if (expected) {
                linearizable++;
            } else {
                assertShortestPrefixIsRight(history, result, seed);
            }
        }
        // Both kinds must be well represented for the comparison to mean anything.
        assertTrue(linearizable > HISTORIES / 5 && linearizable < HISTORIES * 4 / 5, "linearizable=" + linearizable);
    }

    /** The reported prefix fails, and cutting it at the previous ok or fail completion of its key passes. */
    private static void assertShortestPrefixIsRight(History history, CheckResult result, long seed) {
        Verdict.NotLinearizable no = assertInstanceOf(Verdict.NotLinearizable.class, result.verdict());
        for (Violation violation : no.violations()) {
            assertTrue(violation.shortest());
            assertTrue(!BruteForceChecker.isLinearizable(violation.prefix()), "seed=" + seed);
            int cut = violation.culprit().complete().orElseThrow().eventIndex();
            int previousOk = -1;
            for (Operation operation : history.byKey().get(violation.key()).operations()) {
                boolean decided = operation.outcome() == Outcome.OK || operation.outcome() == Outcome.FAIL;
                if (decided && operation.complete().orElseThrow().eventIndex() < cut) {
                    previousOk = Math.max(previousOk, operation.complete().orElseThrow().eventIndex());
                }
            }
            if (previousOk >= 0) {
                History shorter = history.byKey().get(violation.key()).prefixThrough(previousOk);
                assertTrue(BruteForceChecker.isLinearizable(shorter), "seed=" + seed + " prefix not shortest");
            }
        }
    }

    /** 2-7 operations by 3 processes on 1-2 keys, values 0-2, random outcomes and read results. */
    static List<Event> randomEvents(SplittableRandom random) {
        int processes = 3;
        int operations = 2 + random.nextInt(6);
        int keys = 1 + random.nextInt(2);
        List<Event> events = new ArrayList<>();
        String[] pendingKey = new String[processes];
        Call[] pendingCall = new Call[processes];
        int invoked = 0;
        int busy = 0;
        while (invoked < operations || busy > 0) {
            int process = random.nextInt(processes);
            if (pendingCall[process] == null) {
                if (invoked == operations) {
                    continue;
                }
                String key = "k" + random.nextInt(keys);
                Call call = switch (random.nextInt(3)) {
                    case 0 -> Call.read();
                    case 1 -> Call.write(random.nextInt(3));
                    default -> Call.cas(random.nextInt(3), random.nextInt(3));
                };
                events.add(Event.of(process, EventType.INVOKE, key, call, OptionalLong.empty()));
                pendingKey[process] = key;
                pendingCall[process] = call;
                invoked++;
                busy++;
                continue;
            }
            int outcome = random.nextInt(10);
            if (outcome == 9 && invoked == operations) {
                // Leave it pending to the end of the history.
                pendingCall[process] = null;
                busy--;
                continue;
            }
            EventType type = outcome < 6 ? EventType.OK : outcome < 8 ? EventType.INFO : EventType.FAIL;
            Call call = pendingCall[process];
            if (call instanceof Call.Read && type == EventType.OK) {
                call = random.nextInt(4) == 0 ? Call.read(null) : Call.read(random.nextInt(3));
            }
            events.add(Event.of(process, type, pendingKey[process], call, OptionalLong.empty()));
            pendingCall[process] = null;
            busy--;
        }
        return events;
    }
}
