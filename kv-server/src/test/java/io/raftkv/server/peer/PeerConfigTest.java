package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PeerConfigTest {
    private static final Path ROOT = Path.of("/tmp/snapshots");

    @Test
    void defaultsAreTheDocumentedOnes() {
        PeerConfig config = PeerConfig.builder(7, 1, ROOT).build();
        assertEquals(4096, config.sendQueueCapacity());
        assertEquals(512, config.batchMessagesMax());
        assertEquals(4 << 20, config.batchBytesMax());
        assertEquals(16 << 20, config.inboundMessageBytesMax());
        assertEquals(Duration.ofMillis(50), config.reconnectBackoffMin());
        assertEquals(Duration.ofSeconds(2), config.reconnectBackoffMax());
        assertEquals(1 << 20, config.snapshotChunkBytes());
        assertEquals(64L << 30, config.snapshotBytesMax());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                row("clusterId", b -> PeerConfig.builder(0, 1, ROOT)),
                row("nodeId", b -> PeerConfig.builder(7, 0, ROOT)),
                row("sendQueueCapacity", b -> b.sendQueueCapacity(0)),
                row("batchMessagesMax", b -> b.batchMessagesMax(-1)),
                row("batchBytesMax", b -> b.batchBytesMax(16 << 20)),
                row("snapshotChunkBytes", b -> b.snapshotChunkBytes(16 << 20)),
                row("snapshotBytesMax", b -> b.snapshotBytesMax(0)),
                row("snapshotFilesMax", b -> b.snapshotFilesMax(0)),
                row("snapshotsIncomingMax", b -> b.snapshotsIncomingMax(0)),
                row("reconnectBackoffMax", b -> b.reconnectBackoffMax(Duration.ofMillis(10))),
                row("sendStallTimeout", b -> b.sendStallTimeout(Duration.ZERO)),
                row("keepAliveTime", b -> b.keepAliveTime(Duration.ofSeconds(-1))),
                row("snapshotTimeout", b -> b.snapshotTimeout(Duration.ZERO)),
                row("closeTimeout", b -> b.closeTimeout(Duration.ZERO)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsRefusedAndNamed(String field, UnaryOperator<PeerConfig.Builder> change) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> change.apply(PeerConfig.builder(7, 1, ROOT)).build());
        assertEquals(true, e.getMessage().startsWith("peer config " + field + "="), e.getMessage());
    }

    private static Arguments row(String field, UnaryOperator<PeerConfig.Builder> change) {
        return Arguments.of(field, change);
    }
}
