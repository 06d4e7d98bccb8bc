package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LostWritesTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Test
    void aFinalReadShowingTheLastAcknowledgedWriteIsFine() {
        History history = new TestHistory().write(1, "a", 1).write(2, "a", 2).write(1, "b", "x").build();
        CheckResult result = LostWrites.check(history, Map.of("a", new Value.Int(2), "b", new Value.Str("x")), TIMEOUT);
        assertInstanceOf(Verdict.Linearizable.class, result.verdict(), result::report);
    }

    @Test
    void aFinalReadMissingAnAcknowledgedWriteIsReportedAtThatRead() {
        History history = new TestHistory().write(1, "a", 1).write(2, "a", 2).build();
        CheckResult result = LostWrites.check(history, Map.of("a", new Value.Int(1)), TIMEOUT);
        Violation violation = assertInstanceOf(Verdict.NotLinearizable.class, result.verdict()).violations().get(0);
        assertEquals(Call.read(1), violation.culprit().call());
        assertEquals(3, violation.culprit().process());
    }

    @Test
    void anUncertainWriteMayOrMayNotShowInTheFinalRead() {
        History history = new TestHistory().write(1, "a", 1)
                .invoke(2, "a", Call.write(2)).info(2, "a", Call.write(2)).build();
        for (int seen : new int[] {1, 2}) {
            CheckResult result = LostWrites.check(history, Map.of("a", new Value.Int(seen)), TIMEOUT);
            assertInstanceOf(Verdict.Linearizable.class, result.verdict(), result::report);
        }
    }
}
