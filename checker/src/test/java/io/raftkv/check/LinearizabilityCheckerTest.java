package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinearizabilityCheckerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static Verdict verdictOf(TestHistory history) {
        return LinearizabilityChecker.check(history.build(), TIMEOUT).verdict();
    }

    private static void assertLinearizable(TestHistory history) {
        CheckResult result = LinearizabilityChecker.check(history.build(), TIMEOUT);
        assertInstanceOf(Verdict.Linearizable.class, result.verdict(), result::report);
    }

    private static Verdict.NotLinearizable assertNotLinearizable(TestHistory history) {
        CheckResult result = LinearizabilityChecker.check(history.build(), TIMEOUT);
        return assertInstanceOf(Verdict.NotLinearizable.class, result.verdict(), result::report);
    }

    @Test
    void anEmptyHistoryIsLinearizable() {
        assertLinearizable(new TestHistory());
    }

    @Test
    void sequentialWritesAndReadsAreLinearizable() {
        assertLinearizable(new TestHistory().read(1, "x", null).write(1, "x", 1).read(2, "x", 1)
                .write(2, "x", 2).read(1, "x", 2));
    }

    @Test
    void aReadOfAValueNoOneWroteIsNotLinearizable() {
        assertNotLinearizable(new TestHistory().write(1, "x", 1).read(2, "x", 7));
    }

    @Test
    void aStaleReadAfterACompletedWriteIsNotLinearizable() {
        assertNotLinearizable(new TestHistory().write(1, "x", 1).write(1, "x", 2).read(2, "x", 1));
    }

    @Test
    void aReadOfAMissingKeyAfterAWriteIsNotLinearizable() {
        assertNotLinearizable(new TestHistory().write(1, "x", 1).read(2, "x", null));
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeTheOldValue() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(1, "x", Call.write(2)).invoke(2, "x", Call.read())
                .ok(2, "x", Call.read(1)).ok(1, "x", Call.write(2)));
    }

    @Test
    void aReadConcurrentWithAWriteMaySeeTheNewValue() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(1, "x", Call.write(2)).invoke(2, "x", Call.read())
                .ok(2, "x", Call.read(2)).ok(1, "x", Call.write(2)));
    }

    @Test
    void concurrentWritesMayTakeEffectInEitherOrder() {
        for (int last : List.of(1, 2)) {
            assertLinearizable(new TestHistory()
                    .invoke(1, "x", Call.write(1)).invoke(2, "x", Call.write(2))
                    .ok(2, "x", Call.write(2)).ok(1, "x", Call.write(1)).read(3, "x", last));
        }
    }

    @Test
    void twoReadsCannotSeeConcurrentWritesInOppositeOrders() {
        // Reader 3 sees 1 then 2, reader 4 sees 2 then 1, all after both writes finished.
        assertNotLinearizable(new TestHistory()
                .invoke(1, "x", Call.write(1)).invoke(2, "x", Call.write(2))
                .invoke(3, "x", Call.read()).invoke(4, "x", Call.read())
                .ok(3, "x", Call.read(1)).ok(4, "x", Call.read(2))
                .invoke(3, "x", Call.read()).invoke(4, "x", Call.read())
                .ok(3, "x", Call.read(2)).ok(4, "x", Call.read(1))
                .ok(1, "x", Call.write(1)).ok(2, "x", Call.write(2)));
    }

    @Test
    void anInfoWriteThatIsObservedLaterIsLinearizable() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.write(2)).info(2, "x", Call.write(2)).read(3, "x", 2));
    }

    @Test
    void anInfoWriteThatIsNeverObservedIsLinearizable() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.write(2)).info(2, "x", Call.write(2)).read(3, "x", 1).read(3, "x", 1));
    }

    @Test
    void anInfoWriteMayTakeEffectLongAfterItsInfoEvent() {
        assertLinearizable(new TestHistory()
                .invoke(2, "x", Call.write(2)).info(2, "x", Call.write(2))
                .write(1, "x", 1).read(3, "x", 1).write(1, "x", 3).read(3, "x", 2));
    }

    @Test
    void anInfoWriteTakesEffectAtMostOnce() {
        assertNotLinearizable(new TestHistory()
                .invoke(2, "x", Call.write(2)).info(2, "x", Call.write(2))
                .read(3, "x", 2).write(1, "x", 1).read(3, "x", 2));
    }

    @Test
    void anInfoWriteCannotBeObservedBeforeItIsInvoked() {
        assertNotLinearizable(new TestHistory().read(3, "x", 2)
                .invoke(2, "x", Call.write(2)).info(2, "x", Call.write(2)));
    }

    @Test
    void anInvokeWithoutCompletionIsTreatedAsInfo() {
        assertLinearizable(new TestHistory().invoke(2, "x", Call.write(2)).read(3, "x", null).read(3, "x", 2));
        assertLinearizable(new TestHistory().invoke(2, "x", Call.write(2)).read(3, "x", null));
    }

    @Test
    void anInfoReadIsIgnored() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.read()).info(2, "x", Call.read()).read(3, "x", 1));
    }

    @Test
    void failedOperationsAreIgnored() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.write(9)).fail(2, "x", Call.write(9))
                .invoke(2, "x", Call.cas(1, 5)).fail(2, "x", Call.cas(1, 5))
                .invoke(2, "x", Call.read()).fail(2, "x", Call.read())
                .read(3, "x", 1));
    }

    @Test
    void aFailedWriteThatIsObservedIsNotLinearizable() {
        assertNotLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.write(9)).fail(2, "x", Call.write(9)).read(3, "x", 9));
    }

    @Test
    void aCasSucceedsOnlyWhenTheExpectedValueMatches() {
        TestHistory matching = new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.cas(1, 2)).ok(2, "x", Call.cas(1, 2)).read(3, "x", 2);
        assertLinearizable(matching);
        TestHistory mismatching = new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.cas(5, 2)).ok(2, "x", Call.cas(5, 2));
        assertNotLinearizable(mismatching);
    }

    @Test
    void aCasWithNullExpectedMatchesAMissingKey() {
        assertLinearizable(new TestHistory()
                .invoke(2, "x", Call.cas(null, 2)).ok(2, "x", Call.cas(null, 2)).read(3, "x", 2));
    }

    @Test
    void aCasLeavesTheOldValueWhenItIsOmittedAsAnInfo() {
        assertLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.cas(1, 2)).info(2, "x", Call.cas(1, 2)).read(3, "x", 1).read(3, "x", 1));
    }

    @Test
    void anInfoCasCanOnlyApplyWhenItsExpectedValueIsCurrent() {
        assertNotLinearizable(new TestHistory().write(1, "x", 1)
                .invoke(2, "x", Call.cas(7, 2)).info(2, "x", Call.cas(7, 2)).read(3, "x", 2));
    }

    @Test
    void concurrentCasOperationsMaySucceedInEitherOrder() {
        assertLinearizable(new TestHistory().write(1, "x", 0)
                .invoke(1, "x", Call.cas(0, 1)).invoke(2, "x", Call.cas(1, 2))
                .ok(2, "x", Call.cas(1, 2)).ok(1, "x", Call.cas(0, 1)).read(3, "x", 2));
    }

    @Test
    void stringsAndIntegersAreComparedAsGiven() {
        assertNotLinearizable(new TestHistory().write(1, "x", "1").read(2, "x", 1));
        assertNotLinearizable(new TestHistory().write(1, "x", 1).read(2, "x", "1"));
        assertLinearizable(new TestHistory().write(1, "x", "1").read(2, "x", "1"));
    }

    @Test
    void keysAreCheckedIndependentlyAndOnlyTheFailingKeyIsReported() {
        CheckResult result = LinearizabilityChecker.check(new TestHistory()
                .write(1, "a", 1).write(1, "b", 1).read(2, "a", 1).read(2, "b", 5).build(), TIMEOUT);
        Verdict.NotLinearizable no = assertInstanceOf(Verdict.NotLinearizable.class, result.verdict());
        assertEquals(List.of("b"), no.violations().stream().map(Violation::key).toList());
        assertEquals(2, result.keys().size());
        assertInstanceOf(Verdict.Linearizable.class, result.keys().get(0).verdict());
        assertTrue(result.summary().startsWith("linearizable: no (key \"b\"; 4 ops, 2 keys, "), result.summary());
    }

    @Test
    void theViolationIsTheShortestPrefixEndingAtTheFirstImpossibleCompletion() {
        TestHistory history = new TestHistory().write(1, "x", 1).read(2, "x", 1).write(1, "x", 2)
                .read(2, "x", 1) // impossible: the first violation
                .write(1, "x", 3).read(2, "x", 3).read(2, "x", 9);
        Violation violation = assertNotLinearizable(history).violations().get(0);
        assertTrue(violation.shortest());
        assertEquals(4, violation.prefix().size());
        assertEquals(7, violation.keyOperationCount());
        assertEquals(Call.read(1), violation.culprit().call());
        assertEquals(8, violation.culprit().complete().orElseThrow().line());
        String report = violation.describe();
        assertTrue(report.contains("shortest failing prefix ends at the ok of read -> 1 by process 2 at line 8"), report);
        assertTrue(report.contains("  > process 2    read -> 1"), report);
    }

    @Test
    void aFailThatContradictsAnEarlierReadEndsTheShortestPrefix() {
        // Until the fail arrives the write may have taken effect, which explains the read.
        TestHistory history = new TestHistory().invoke(2, "x", Call.write(1)).read(1, "x", 1)
                .fail(2, "x", Call.write(1)).read(1, "x", null);
        Violation violation = assertNotLinearizable(history).violations().get(0);
        assertEquals(Outcome.FAIL, violation.culprit().outcome());
        assertEquals(2, violation.prefix().size());
        assertTrue(violation.describe().contains("ends at the fail of write 1 by process 2 at line 4"), violation.describe());
    }

    @Test
    void operationsStillRunningAtTheCutArePendingInThePrefix() {
        TestHistory history = new TestHistory().write(1, "x", 1)
                .invoke(3, "x", Call.write(5))
                .read(2, "x", 9)
                .ok(3, "x", Call.write(5));
        Violation violation = assertNotLinearizable(history).violations().get(0);
        Operation running = violation.prefix().operations().get(1);
        assertEquals(Outcome.PENDING, running.outcome());
        assertTrue(violation.describe().contains("pending (outcome unknown)"), violation.describe());
    }

    @Test
    void aTimeoutGivesUnknownWithTheReasonInsteadOfHanging() {
        long start = System.nanoTime();
        CheckResult result = LinearizabilityChecker.check(hardHistory(40).build(), Duration.ofMillis(200));
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        Verdict.Unknown unknown = assertInstanceOf(Verdict.Unknown.class, result.verdict(), result::report);
        assertTrue(unknown.reason().startsWith("timeout 200ms passed while checking key \"x\""), unknown.reason());
        assertTrue(elapsedMillis < 5_000, "took " + elapsedMillis + " ms");
        assertTrue(result.summary().startsWith("linearizable: unknown (timeout"), result.summary());
    }

    @Test
    void aFullMemoGivesUnknownWithTheReason() {
        CheckResult result = LinearizabilityChecker.check(hardHistory(40).build(),
                new CheckLimits(Duration.ofSeconds(60), 1 << 20));
        Verdict.Unknown unknown = assertInstanceOf(Verdict.Unknown.class, result.verdict(), result::report);
        assertTrue(unknown.reason().startsWith("memo for key \"x\" reached its limit of 1 MiB"), unknown.reason());
    }

    @Test
    void aSmallVersionOfTheHardHistoryIsDecided() {
        assertInstanceOf(Verdict.NotLinearizable.class,
                LinearizabilityChecker.check(hardHistory(8).build(), TIMEOUT).verdict());
    }

    @Test
    void aViolationOnOneKeyOutweighsAnUndecidedKey() {
        History undecided = hardHistory(40).build();
        // Key "a" sorts first, so it is decided before "x" uses up the whole deadline.
        History violating = new TestHistory().write(1, "a", 1).read(2, "a", 2).build();
        List<Operation> both = new ArrayList<>(undecided.operations());
        int offset = undecided.size() * 2 + 10;
        for (Operation operation : violating.operations()) {
            both.add(new Operation(operation.process() + 100, operation.key(), operation.call(), operation.outcome(),
                    shift(operation.invoke(), offset), operation.complete().map(position -> shift(position, offset))));
        }
        CheckResult result = LinearizabilityChecker.check(new History(both), Duration.ofMillis(300));
        assertInstanceOf(Verdict.Unknown.class, result.keys().get(1).verdict());
        assertInstanceOf(Verdict.NotLinearizable.class, result.verdict(), result::report);
    }

    private static Position shift(Position position, int offset) {
        return new Position(position.eventIndex() + offset, 0, position.time());
    }

    /**
     * {@code writers} concurrent writes of distinct values, then a read of a value none wrote:
     * every subset of the writes with every last writer is a distinct state, so the search must
     * explore about writers * 2^writers states before it can say no.
     */
    static TestHistory hardHistory(int writers) {
        TestHistory history = new TestHistory();
        for (int process = 0; process < writers; process++) {
            history.invoke(process, "x", Call.write(process));
        }
        for (int process = 0; process < writers; process++) {
            history.ok(process, "x", Call.write(process));
        }
        return history.read(writers, "x", -1);
    }

    @Test
    void verdictOfIsUsedByTheHelpers() {
        assertFalse(verdictOf(new TestHistory().write(1, "x", 1).read(1, "x", 2)) instanceof Verdict.Linearizable);
    }
}
