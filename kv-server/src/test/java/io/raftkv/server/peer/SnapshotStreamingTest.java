package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Message;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sender and receiver together, over loopback gRPC: PeerTransport to PeerService. */
class SnapshotStreamingTest {
    private static final long CLUSTER = 7;
    private static final long SEED = Long.getLong("peer.seed", 20_240_607L);

    @TempDir
    Path temp;
    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void closeNodes() {
        nodes.reversed().forEach(TestNode::close);
    }

    @Test
    void aTwentyMebibyteSnapshotArrivesIntactWhileHeartbeatsKeepFlowing() throws Exception {
        ChunkGate gate = new ChunkGate(5);
        TestNode one = node(1);
        TestNode two = node(2, gate);
        Map<String, Integer> sizes = Map.of("000012.sst", 8 << 20, "000013.sst", (7 << 20) + 123,
                "MANIFEST-000005", (5 << 20) - 7, "CURRENT", 16, "OPTIONS-000007", 0);
        Path source = writeSnapshot(one.config.snapshotsRoot().resolve("snap-3-100"), sizes);
        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.send(heartbeat(0));
        Eventually.await("the message stream is up", () -> two.inbound.size() == 1);

        Message.InstallSnapshot install = new Message.InstallSnapshot(1, 2, 3, new Snapshot(
                new SnapshotMetadata(100, 3, ConfState.ofVoters(1, 2, 3)), "snap-3-100".getBytes(StandardCharsets.UTF_8)));
        one.transport.send(install);
        assertTrue(gate.stalled.await(20, TimeUnit.SECONDS), "snapshot reaches its fifth chunk");
        one.transport.send(install);
        assertEquals(1, one.transport.counters().snapshotsDroppedBusy(), "one snapshot per peer in flight");

        for (int context = 1; context <= 50; context++) {
            one.transport.send(heartbeat(context));
        }
        Eventually.await("50 heartbeats arrive while the snapshot is held mid-stream", () -> two.inbound.size() == 51);
        assertTrue(two.inbound.messages().stream().allMatch(m -> m instanceof Message.Heartbeat));
        assertEquals(List.of(), one.listener.snapshots(2), "the snapshot has not completed yet");

        gate.release.countDown();
        Eventually.await("the snapshot completes", () -> !one.listener.snapshots(2).isEmpty());
        assertEquals(List.of(true), one.listener.snapshots(2));
        Eventually.await("the InstallSnapshot message reaches the raft loop", () -> two.inbound.size() == 52);

        List<RecordingHandler.Arrival> arrivals = two.inbound.arrivals();
        RecordingHandler.Arrival last = arrivals.getLast();
        assertEquals(install, last.message(), "same metadata, and the descriptor names the installed directory");
        for (RecordingHandler.Arrival arrival : arrivals.subList(0, 51)) {
            assertTrue(arrival.nanos() < last.nanos(), "heartbeats arrived before the snapshot completed");
        }
        Path received = two.config.snapshotsRoot().resolve("snap-3-100");
        for (String file : sizes.keySet()) {
            assertArrayEquals(Files.readAllBytes(source.resolve(file)), Files.readAllBytes(received.resolve(file)), file);
        }
        assertEquals(List.of("snap-3-100"), list(two.config.snapshotsRoot()), "no work directories left behind");
        long total = sizes.values().stream().mapToLong(Integer::longValue).sum();
        assertEquals(total, two.service.counters().snapshotBytesReceived());
        assertEquals(1, one.transport.counters().snapshotsSent());
    }

    @Test
    void aSnapshotWhoseDirectoryIsMissingReportsFailure() throws Exception {
        TestNode one = node(1);
        TestNode two = node(2);
        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.send(new Message.InstallSnapshot(1, 2, 3, new Snapshot(
                new SnapshotMetadata(9, 9, ConfState.ofVoters(1, 2)), "snap-9-9".getBytes(StandardCharsets.UTF_8))));
        Eventually.await("failure is reported", () -> one.listener.snapshots(2).equals(List.of(false)));
        assertEquals(1, one.transport.counters().snapshotsFailed());
    }

    @Test
    void aDescriptorThatEscapesTheSnapshotsRootIsNotSent() throws Exception {
        TestNode one = node(1);
        TestNode two = node(2);
        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.send(new Message.InstallSnapshot(1, 2, 3, new Snapshot(
                new SnapshotMetadata(9, 9, ConfState.ofVoters(1, 2)), "../node-2".getBytes(StandardCharsets.UTF_8))));
        Eventually.await("failure is reported", () -> one.listener.snapshots(2).equals(List.of(false)));
        assertEquals(0, two.service.counters().snapshotBytesReceived());
    }

    @Test
    void aPeerRefusingTheSnapshotReportsFailure() throws Exception {
        TestNode one = node(1);
        TestNode two = node(2, b -> b.snapshotBytesMax(1000));
        writeSnapshot(one.config.snapshotsRoot().resolve("snap-3-100"), Map.of("data", 5000));
        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.send(new Message.InstallSnapshot(1, 2, 3, new Snapshot(
                new SnapshotMetadata(100, 3, ConfState.ofVoters(1, 2)), "snap-3-100".getBytes(StandardCharsets.UTF_8))));
        Eventually.await("failure is reported", () -> one.listener.snapshots(2).equals(List.of(false)));
        assertEquals(1, two.service.counters().snapshotsRejected());
        assertEquals(List.of(), list(two.config.snapshotsRoot()));
    }

    private Path writeSnapshot(Path directory, Map<String, Integer> sizes) throws IOException {
        Files.createDirectories(directory);
        SplittableRandom random = new SplittableRandom(SEED);
        for (var file : sizes.entrySet()) {
            byte[] data = new byte[file.getValue()];
            random.nextBytes(data);
            Files.write(directory.resolve(file.getKey()), data);
        }
        return directory;
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static Message heartbeat(long context) {
        return new Message.Heartbeat(1, 2, 3, 0, context);
    }

    private TestNode node(long id, io.grpc.ServerInterceptor... interceptors) throws IOException {
        return node(id, b -> b, interceptors);
    }

    private TestNode node(long id, java.util.function.UnaryOperator<PeerConfig.Builder> tuning,
                          io.grpc.ServerInterceptor... interceptors) throws IOException {
        TestNode node = new TestNode(id, CLUSTER, temp.resolve("node-" + id), tuning, interceptors).startServer(0);
        nodes.add(node);
        return node;
    }
}
