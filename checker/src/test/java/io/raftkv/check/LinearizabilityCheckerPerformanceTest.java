package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Histories the size of a fault test's: 10,000 operations by 10 processes, 5% info, over 10 or
 * 100 keys, and a single hot key with a few thousand operations and a tiny value range (so cas
 * often succeeds and reads are ambiguous). Each must be decided well inside the budget.
 */
class LinearizabilityCheckerPerformanceTest {
    private static final Duration BUDGET = Duration.ofSeconds(10);

    @ParameterizedTest(name = "{0} ops, {1} processes, {2} keys, info rate {3}, values {4}")
    @CsvSource({
            "10000, 10, 10, 0.05, 5",
            "10000, 10, 100, 0.05, 5",
            "10000, 10, 10, 0.05, 1000",
            "10000, 10, 10, 0.05, 1000000",
            "3000, 10, 1, 0.05, 3",
            "5000, 10, 1, 0.05, 5",
            "5000, 10, 1, 0.05, 1000000",
    })
    void aGeneratedLinearizableHistoryIsDecidedInSeconds(int operations, int processes, int keys, double infoRate,
                                                         int valueRange) {
        History history = History.of(HistoryGenerator.generate(
                new HistoryGenerator.Settings(42, processes, keys, operations, infoRate, valueRange)));
        assertEquals(operations, history.size());
        long info = history.operations().stream().filter(operation -> operation.outcome() == Outcome.INFO).count();
        assertTrue(info > operations * infoRate / 2, "info=" + info);

        long start = System.nanoTime();
        CheckResult result = LinearizabilityChecker.check(history, BUDGET);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("%d ops, %d keys, values %d, %d info: %s (states %d)%n", operations, keys, valueRange, info,
                result.summary(), result.keys().stream().mapToLong(KeyResult::statesExplored).sum());
        assertInstanceOf(Verdict.Linearizable.class, result.verdict(), result::summary);
        assertTrue(elapsedMillis < BUDGET.toMillis(), "took " + elapsedMillis + " ms");
    }

    /**
     * A failing search must rule out every order, which is far harder than finding one. Values
     * are unique here, as fault tests write them, except for the many-keys case: with a handful
     * of values on one key of thousands of operations, every info operation can explain almost
     * any read, and such a search may end Unknown instead.
     */
    @ParameterizedTest(name = "{0} ops, {2} keys, values {3}, {4}")
    @CsvSource({
            "10000, 10, 10, 1000000, NEVER_WRITTEN",
            "10000, 10, 10, 1000000, STALE",
            "10000, 10, 100, 5, NEVER_WRITTEN",
            "3000, 10, 1, 1000000, NEVER_WRITTEN",
            "3000, 10, 1, 1000000, STALE",
    })
    void aCorruptedReadLateInALargeHistoryIsFoundWithTheShortestPrefix(int operations, int processes, int keys,
                                                                       int valueRange, Corruption corruption) {
        History valid = History.of(HistoryGenerator.generate(
                new HistoryGenerator.Settings(7, processes, keys, operations, 0.05, valueRange)));
        List<Operation> corrupted = new ArrayList<>(valid.operations());
        int index = corrupted.size() - 1;
        while (!(corrupted.get(index).call() instanceof Call.Read && corrupted.get(index).outcome() == Outcome.OK)) {
            index--;
        }
        Operation read = corrupted.get(index);
        Value observed = switch (corruption) {
            case NEVER_WRITTEN -> new Value.Str("never");
            case STALE -> firstOkWrite(valid, read.key());
        };
        Operation bad = new Operation(read.process(), read.key(), new Call.Read(Optional.of(observed)),
                read.outcome(), read.invoke(), read.complete());
        corrupted.set(index, bad);

        long start = System.nanoTime();
        CheckResult result = LinearizabilityChecker.check(new History(corrupted), BUDGET);
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("corrupted (%s) %d ops, %d keys, values %d: %s%n", corruption, operations, keys, valueRange,
                result.summary());
        Verdict.NotLinearizable no = assertInstanceOf(Verdict.NotLinearizable.class, result.verdict(), result::summary);
        Violation violation = no.violations().get(0);
        assertEquals(bad, violation.culprit());
        assertTrue(violation.shortest());
        assertTrue(elapsedMillis < BUDGET.toMillis(), "took " + elapsedMillis + " ms");
    }

    enum Corruption { NEVER_WRITTEN, STALE }

    /** The value of the first write on the key that completed ok: long overwritten by the end. */
    private static Value firstOkWrite(History history, String key) {
        for (Operation operation : history.operations()) {
            if (operation.key().equals(key) && operation.outcome() == Outcome.OK
                    && operation.call() instanceof Call.Write write) {
                return write.value();
            }
        }
        throw new AssertionError("no ok write on key " + key);
    }
}
