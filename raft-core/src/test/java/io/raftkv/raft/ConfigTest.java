package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigTest {
    private static final Config VALID = Config.defaults(1, 42);

    private static Arguments row(String name, String field, Supplier<Config> build) {
        return Arguments.of(name, field, build);
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                row("id zero", "id", () -> Config.defaults(0, 1)),
                row("negative id", "id", () -> Config.defaults(-3, 1)),
                row("heartbeat zero", "heartbeatTicks", () -> VALID.withTicks(10, 0)),
                row("election equal to heartbeat", "electionTicks", () -> VALID.withTicks(5, 5)),
                row("election below heartbeat", "electionTicks", () -> VALID.withTicks(2, 3)),
                row("message bytes zero", "messageBytesMax", () -> limits(0, 1, 1, 1, 1, 1, 1)),
                row("entry bytes zero", "entryBytesMax", () -> limits(100, 0, 1, 100, 100, 1, 1)),
                row("entry larger than a message", "entryBytesMax", () -> limits(100, 101, 1, 100, 101, 1, 1)),
                row("no inflight messages", "inflightMessagesMax", () -> limits(100, 100, 0, 100, 100, 1, 1)),
                row("inflight bytes below a message", "inflightBytesMax", () -> limits(100, 100, 1, 99, 100, 1, 1)),
                row("uncommitted bytes below an entry", "uncommittedBytesMax", () -> limits(100, 100, 1, 100, 99, 1, 1)),
                row("no committed bytes per Ready", "committedBytesPerReadyMax", () -> limits(100, 100, 1, 100, 100, 0, 1)),
                row("no pending reads", "pendingReadsMax", () -> limits(100, 100, 1, 100, 100, 1, 0)));
    }

    private static Config limits(long messageBytesMax, long entryBytesMax, int inflightMessagesMax, long inflightBytesMax,
                                 long uncommittedBytesMax, long committedBytesPerReadyMax, int pendingReadsMax) {
        return VALID.withLimits(messageBytesMax, entryBytesMax, inflightMessagesMax, inflightBytesMax,
                uncommittedBytesMax, committedBytesPerReadyMax, pendingReadsMax);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void eachBadValueIsRejectedNamingItsField(String row, String field, Supplier<Config> build) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(error.getMessage().contains(field + "="), "'" + error.getMessage() + "' should name " + field);
    }

    @Test
    void theDefaultsAreValidAndLikeEtcds() {
        assertEquals(10, VALID.electionTicks());
        assertEquals(1, VALID.heartbeatTicks());
        assertTrue(VALID.preVote());
        assertTrue(VALID.checkQuorum());
        assertTrue(VALID.brokenRules().isEmpty());
    }

    @Test
    void theSmallestValidLimitsAreAccepted() {
        Config config = limits(1, 1, 1, 1, 1, 1, 1);
        assertEquals(1, config.messageBytesMax());
    }

    @Test
    void theLoggerIsRequired() {
        assertThrows(NullPointerException.class, () -> VALID.withLogger(null));
    }

    @Test
    void brokenRulesAreCopied() {
        Config config = VALID.withBrokenRules(Set.of(BrokenRule.ACK_BEFORE_PERSIST));
        assertTrue(config.broken(BrokenRule.ACK_BEFORE_PERSIST));
        assertThrows(UnsupportedOperationException.class, () -> config.brokenRules().add(BrokenRule.VOTE_WITHOUT_LOG_CHECK));
    }
}
