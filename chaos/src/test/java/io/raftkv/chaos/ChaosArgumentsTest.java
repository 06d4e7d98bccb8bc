package io.raftkv.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosArgumentsTest {
    private static final LocalDateTime NOW = LocalDateTime.of(2026, 1, 2, 3, 4, 5);

    private static ChaosOptions parse(String... args) {
        return assertInstanceOf(ChaosArguments.Run.class, ChaosArguments.parse(List.of(args), Map.of(), NOW)).options();
    }

    @Test
    void defaultsAreThreeNodesOneMinuteEveryFault() {
        ChaosOptions options = parse("--seed", "9");
        assertEquals(3, options.nodes());
        assertEquals(Duration.ofSeconds(60), options.duration());
        assertEquals(FaultKind.all(), options.faults());
        assertEquals(150, options.opsRate());
        assertEquals(15, options.workers());
        assertEquals(9, options.seed());
        assertTrue(options.streams(), "the workers use KV streams, as the client library does");
        assertTrue(options.out().toString().endsWith("raftkv-chaos-20260102-030405"), options.out().toString());
    }

    @Test
    void flagsAreRead() {
        ChaosOptions options = parse("--nodes", "5", "--duration=90s", "--faults", "kill,pause-leader", "--out", "/tmp/x",
                "--ops-rate", "40", "--unsafe-broken-reads");
        assertEquals(5, options.nodes());
        assertEquals(Duration.ofSeconds(90), options.duration());
        assertEquals(EnumSet.of(FaultKind.KILL, FaultKind.PAUSE_LEADER), options.faults());
        assertEquals(Path.of("/tmp/x"), options.out());
        assertEquals(40, options.opsRate());
        assertTrue(options.unsafeBrokenReads());
        assertEquals(Duration.ofMinutes(2), ChaosArguments.parseDuration("2m", "--duration"));
    }

    @Test
    void callsAreStreamOrUnary() {
        assertFalse(parse("--calls", "unary").streams());
        assertTrue(parse("--calls", "stream").streams());
        assertThrows(IllegalArgumentException.class, () -> parse("--calls", "grpc"));
    }

    @Test
    void cleanupAndHelpAreTheirOwnRequests() {
        assertInstanceOf(ChaosArguments.Cleanup.class, ChaosArguments.parse(List.of("--cleanup"), Map.of(), NOW));
        String help = assertInstanceOf(ChaosArguments.Help.class, ChaosArguments.parse(List.of("--help"), Map.of(), NOW))
                .text();
        for (FaultKind kind : FaultKind.values()) {
            assertTrue(help.contains(kind.cliName()), kind.cliName());
        }
        assertThrows(IllegalArgumentException.class, () -> ChaosArguments.parse(List.of("--cleanup", "--nodes", "3"),
                Map.of(), NOW));
    }
}
