package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.ConfState;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import io.raftkv.proto.raft.SnapshotMetadata;
import io.raftkv.raft.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The receiving side alone, fed hand-made chunk streams through an in-process server. */
class SnapshotReceiverTest {
    private static final long CLUSTER = 7;
    private static final long SELF = 2;
    private static final SnapshotMetadata METADATA = SnapshotMetadata.newBuilder().setIndex(100).setTerm(3)
            .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)).build();

    @TempDir
    Path temp;
    private InProcessPeer peer;

    @AfterEach
    void stop() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void aValidSnapshotIsInstalledAndHandedToTheRaftLoop() throws Exception {
        start(b -> b);
        SnapshotAck ack = send(List.of(
                first("a.sst", 0, bytes("hello "), false, false),
                chunk("a.sst", 6, bytes("world"), true, false),
                chunk("EMPTY", 0, new byte[0], true, true)));
        assertTrue(ack.getAccepted(), ack.getError());
        Path installed = root().resolve("snap-3-100");
        assertEquals("hello world", Files.readString(installed.resolve("a.sst")));
        assertEquals(0, Files.size(installed.resolve("EMPTY")));
        Message.InstallSnapshot message = (Message.InstallSnapshot) peer.inbound.messages().getFirst();
        assertEquals("snap-3-100", new String(message.snapshot().data(), StandardCharsets.UTF_8));
        assertEquals(MessageCodec.decodeSnapshotMetadata(METADATA), message.snapshot().metadata());
        assertEquals(List.of(1L, 2L, 3L), List.of(message.from(), message.to(), message.term()));
        assertEquals(List.of("snap-3-100"), list(root()));
    }

    @Test
    void aChunkWithABadCrcIsRejectedAndTheWorkDirectoryRemoved() throws Exception {
        start(b -> b);
        CompletableFuture<SnapshotAck> outcome = new CompletableFuture<>();
        StreamObserver<SnapshotChunk> requests = peer.openInstallSnapshot(outcome);
        requests.onNext(first("a.sst", 0, bytes("good bytes"), false, false));
        Path work = root().resolve("incoming-1-100.tmp");
        Eventually.await("the first chunk is written", () -> Files.exists(work.resolve("a.sst")));

        SnapshotChunk good = chunk("a.sst", 10, bytes("more"), true, true);
        requests.onNext(good.toBuilder().setCrc32C(good.getCrc32C() ^ 1).build());
        requests.onCompleted();
        SnapshotAck ack = outcome.get(10, TimeUnit.SECONDS);
        assertFalse(ack.getAccepted());
        assertTrue(ack.getError().startsWith("CRC-32C mismatch in a.sst at offset 10"), ack.getError());
        assertFalse(Files.exists(work), "work directory deleted");
        assertEquals(List.of(), list(root()));
        assertEquals(0, peer.inbound.size());
        assertEquals(1, peer.service.counters().snapshotsRejected());
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"../escape", "..", ".", "sub/file", "/etc/passwd", "a\\b", "", "..hidden", "nul\0byte"})
    void fileNamesThatCouldLeaveTheSnapshotDirectoryAreRejected(String name) throws Exception {
        start(b -> b);
        SnapshotAck ack = send(List.of(first(name, 0, bytes("x"), true, true)));
        assertFalse(ack.getAccepted());
        assertTrue(ack.getError().startsWith("bad file name: "), ack.getError());
        assertFalse(Files.exists(temp.resolve("escape")));
        assertEquals(List.of(), list(root()), "nothing written, work directory removed");
    }

    static Stream<Arguments> badStreams() {
        SnapshotChunk a = chunk("a", 0, bytes("abcd"), true, false);
        return Stream.of(
                row("another cluster", "peer 1 belongs to cluster 8, not 7",
                        first("a", 0, bytes("x"), true, true).toBuilder().setClusterId(CLUSTER + 1).build()),
                row("addressed to another node", "snapshot for node 3 reached node 2",
                        first("a", 0, bytes("x"), true, true).toBuilder().setTo(3).build()),
                row("from this node itself", "bad sender 2",
                        first("a", 0, bytes("x"), true, true).toBuilder().setFrom(SELF).build()),
                row("first chunk without metadata", "first chunk carries no metadata", a),
                row("metadata at index 0", "snapshot at index 0",
                        first("a", 0, bytes("x"), true, true).toBuilder().setMetadata(SnapshotMetadata.getDefaultInstance()).build()),
                row("malformed membership", "both learner and voter",
                        first("a", 0, bytes("x"), true, true).toBuilder().setMetadata(METADATA.toBuilder()
                                .setConfState(ConfState.newBuilder().addVoters(1).addLearners(1))).build()),
                row("gap in offsets", "file a chunk at offset 8, expected 4",
                        first("a", 0, bytes("abcd"), false, false), chunk("a", 8, bytes("efgh"), true, true)),
                row("file sent twice", "file a sent twice", first("a", 0, bytes("x"), true, false), chunk("a", 0, bytes("y"), true, true)),
                row("files interleaved", "file b began before a ended",
                        first("a", 0, bytes("x"), false, false), chunk("b", 0, bytes("y"), true, true)),
                row("a file not starting at 0", "file b chunk at offset 5, expected 0",
                        first("a", 0, bytes("x"), true, false), chunk("b", 5, bytes("y"), true, true)),
                row("last chunk inside a file", "last chunk does not end its file a", first("a", 0, bytes("x"), false, true)),
                row("chunk readdressed mid-stream", "chunk addressed differently from the first chunk",
                        first("a", 0, bytes("x"), true, false), chunk("b", 0, bytes("y"), true, true).toBuilder().setTerm(4).build()),
                row("metadata repeated", "metadata on a chunk after the first",
                        first("a", 0, bytes("x"), true, false), first("b", 0, bytes("y"), true, true)),
                row("stream ends before the last chunk", "stream ended before the last chunk",
                        first("a", 0, bytes("x"), true, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badStreams")
    void badStreamsAreRefusedWithTheirReasonAndLeaveNothingBehind(String name, String reason, List<SnapshotChunk> chunks)
            throws Exception {
        start(b -> b);
        SnapshotAck ack = send(chunks);
        assertFalse(ack.getAccepted());
        assertTrue(ack.getError().contains(reason), () -> "expected '" + reason + "' in: " + ack.getError());
        assertEquals(List.of(), list(root()));
        assertEquals(0, peer.inbound.size());
    }

    @Test
    void aSnapshotOverTheByteLimitIsRefused() throws Exception {
        start(b -> b.snapshotBytesMax(6));
        SnapshotAck ack = send(List.of(first("a", 0, bytes("abcd"), true, false), chunk("b", 0, bytes("efg"), true, true)));
        assertEquals("snapshot larger than 6 bytes", ack.getError());
        assertEquals(List.of(), list(root()));
    }

    @Test
    void aSnapshotOverTheFileLimitIsRefused() throws Exception {
        start(b -> b.snapshotFilesMax(1));
        SnapshotAck ack = send(List.of(first("a", 0, bytes("a"), true, false), chunk("b", 0, bytes("b"), true, true)));
        assertEquals("more than 1 files", ack.getError());
        assertEquals(List.of(), list(root()));
    }

    @Test
    void aNewSnapshotReplacesAStaleDirectoryOfTheSameName() throws Exception {
        start(b -> b);
        Path stale = Files.createDirectories(root().resolve("snap-3-100"));
        Files.writeString(stale.resolve("old.sst"), "old");
        SnapshotAck ack = send(List.of(first("new.sst", 0, bytes("new"), true, true)));
        assertTrue(ack.getAccepted(), ack.getError());
        assertEquals(List.of("new.sst"), list(stale));
        assertEquals(List.of("snap-3-100"), list(root()), "the replaced copy is deleted");
    }

    @Test
    void aSnapshotTheRaftLoopCannotTakeIsRefused() throws Exception {
        peer = new InProcessPeer(PeerConfig.builder(CLUSTER, SELF, root()).build(), 1);
        peer.inbound.offer(new Message.TimeoutNow(1, SELF, 1)); // the loop's queue is now full
        SnapshotAck ack = send(List.of(first("a", 0, bytes("a"), true, true)));
        assertFalse(ack.getAccepted());
        assertTrue(ack.getError().contains("queue full"), ack.getError());
        assertEquals(1, peer.service.counters().messagesDroppedQueueFull());
    }

    @Test
    void workDirectoriesLeftByACrashAreDeletedAtStartAndSnapshotsKept() throws Exception {
        Files.createDirectories(root().resolve("incoming-1-5.tmp")).resolve("x");
        Files.writeString(root().resolve("incoming-1-5.tmp").resolve("x"), "partial");
        Files.createDirectories(root().resolve("replaced-snap-1-1-3.tmp"));
        Files.createDirectories(root().resolve("snap-1-1"));
        start(b -> b);
        assertEquals(List.of("snap-1-1"), list(root()));
    }

    private void start(UnaryOperator<PeerConfig.Builder> tuning) throws IOException {
        peer = new InProcessPeer(tuning.apply(PeerConfig.builder(CLUSTER, SELF, root())).build(), 16);
    }

    private Path root() {
        return temp.resolve("root");
    }

    private SnapshotAck send(List<SnapshotChunk> chunks) throws Exception {
        return peer.installSnapshot(chunks).get(10, TimeUnit.SECONDS);
    }

    private static SnapshotChunk first(String file, long offset, byte[] data, boolean lastOfFile, boolean last) {
        return chunk(file, offset, data, lastOfFile, last).toBuilder().setMetadata(METADATA).build();
    }

    private static SnapshotChunk chunk(String file, long offset, byte[] data, boolean lastOfFile, boolean last) {
        CRC32C crc = new CRC32C();
        crc.update(data);
        return SnapshotChunk.newBuilder().setClusterId(CLUSTER).setFrom(1).setTo(SELF).setTerm(3)
                .setFileName(file).setOffset(offset).setData(ByteString.copyFrom(data)).setCrc32C((int) crc.getValue())
                .setLastChunkOfFile(lastOfFile).setLast(last).build();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Arguments row(String name, String reason, SnapshotChunk... chunks) {
        return Arguments.of(name, reason, List.of(chunks));
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
