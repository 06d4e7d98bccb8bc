package io.raftkv.server.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadRoundsTest {
    private static final long RESEND = 500;

    private final ReadRounds<String> rounds = new ReadRounds<>(RESEND);

    @Test
    void aRoundIsSentAgainOnlyOnceItHasWaitedTheResendInterval() {
        long context = rounds.open(List.of("a", "b"), 1_000);
        assertEquals(List.of(), rounds.resendDue(1_499));
        assertEquals(List.of(context), rounds.resendDue(1_500));
        // Sent again at 1,500: not due before 2,000.
        assertEquals(List.of(), rounds.resendDue(1_999));
        assertEquals(List.of(context), rounds.resendDue(2_000));
    }

    @Test
    void theFirstAnswerReleasesTheReadsAndARepeatedOneFindsNothing() {
        long context = rounds.open(List.of("a", "b"), 0);
        rounds.resendDue(RESEND);
        assertEquals(List.of("a", "b"), rounds.close(context));
        assertEquals(List.of(), rounds.close(context));
        assertEquals(0, rounds.reads());
        assertTrue(rounds.isEmpty());
        assertEquals(List.of(), rounds.resendDue(10 * RESEND));
    }

    @Test
    void eachRoundHasItsOwnContextAndClock() {
        long first = rounds.open(List.of("a"), 0);
        long second = rounds.open(List.of("b", "c"), 300);
        assertTrue(first != second);
        assertEquals(3, rounds.reads());
        assertEquals(List.of(first), rounds.resendDue(600));
        assertEquals(List.of(second), rounds.resendDue(800));
        assertEquals(List.of("b", "c"), rounds.close(second));
        assertEquals(1, rounds.reads());
    }

    @Test
    void closingAllHandsEveryReadToTheFailureAndForgetsTheRounds() {
        long context = rounds.open(List.of("a"), 0);
        rounds.open(List.of("b", "c"), 0);
        List<String> failed = new ArrayList<>();
        rounds.closeAll(failed::add);
        assertEquals(List.of("a", "b", "c"), failed.stream().sorted().toList());
        assertEquals(0, rounds.reads());
        assertEquals(List.of(), rounds.close(context));
    }

    @Test
    void aRoundWithoutReadsIsRefused() {
        assertThrows(AssertionError.class, () -> rounds.open(List.of(), 0));
    }
}
