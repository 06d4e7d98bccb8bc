package io.raftkv.server.storage;

import static io.raftkv.server.storage.MembershipTest.member;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeStorageTest {
    private static final StorageOptions OPTIONS = StorageOptions.DEFAULTS;
    private static final ConfState INITIAL = ConfState.ofVoters(1, 2, 3);

    @TempDir
    Path root;

    @Test
    void bootstrapStartsLogAndStateFromASnapshotAtIndexOneTermOne() {
        Bootstrap.initialize(root, 7, 1, INITIAL, List.of(member(1, false), member(2, false), member(3, false)));
        try (NodeStorage storage = NodeStorage.open(root, 7, 1, OPTIONS)) {
            WalLogStore log = storage.log();
            assertEquals(new HardState(1, 0, 1), log.hardState());
            assertEquals(2, log.firstIndex());
            assertEquals(1, log.lastIndex());
            assertEquals(1, log.term(1));
            assertEquals(INITIAL, log.confState());
            assertEquals(1, log.snapshot().index());
            assertArrayEquals("snap-1-1".getBytes(StandardCharsets.UTF_8), log.snapshot().data());
            assertEquals(root.toAbsolutePath().resolve("snapshots/snap-1-1"), storage.checkpoints().resolve(log.snapshot().data()));
            KvStateMachine machine = storage.stateMachine();
            assertEquals(1, machine.appliedIndex());
            assertEquals(INITIAL, machine.confState());
            assertEquals(3, machine.members().size());
        }
    }

    @Test
    void aJoiningNodeStartsWithEmptyStorage() {
        try (NodeStorage storage = NodeStorage.open(root, 7, 4, OPTIONS)) {
            assertTrue(storage.isEmpty());
            assertEquals(1, storage.log().firstIndex());
            assertEquals(0, storage.log().lastIndex());
            assertEquals(ConfState.EMPTY, storage.log().confState());
            assertEquals(ConfState.EMPTY, storage.stateMachine().confState());
        }
    }

    @Test
    void bootstrappingAnInitializedDirectoryIsRefused() {
        Bootstrap.initialize(root, 7, 1, INITIAL, List.of());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Bootstrap.initialize(root, 7, 1, INITIAL, List.of()));
        assertTrue(e.getMessage().contains("is already initialized"), e.getMessage());
    }

    @Test
    void bootstrapRefusesMembersOutsideTheInitialConfiguration() {
        assertThrows(IllegalArgumentException.class, () -> Bootstrap.initialize(root, 7, 1, INITIAL, List.of(member(9, false))));
    }

    @Test
    void aSnapshotSavedToTheLogButNotYetInstalledIsInstalledOnTheNextStart() {
        // Another node's state at index 30, as a received and published checkpoint.
        Path leaderRoot = root.resolve("leader");
        CheckpointInfo leaderCheckpoint;
        try (KvStateMachine leader = KvStateMachine.open(leaderRoot.resolve("state"))) {
            leader.bootstrap(INITIAL, List.of());
            leader.apply(List.of(TestEntries.command(2, TestEntries.put("k", "v"))));
            for (long index = 3; index <= 30; index++) {
                leader.apply(List.of(io.raftkv.raft.Entry.normal(index, 2, new byte[0])));
            }
            leaderCheckpoint = leader.checkpoint(leaderRoot.resolve("snapshots"));
        }
        Path follower = root.resolve("follower");
        try (NodeStorage storage = NodeStorage.open(follower, 7, 2, OPTIONS)) {
            CheckpointDirectory checkpoints = storage.checkpoints();
            Path staging = checkpoints.staging(leaderCheckpoint.metadata());
            for (Path file : FileSync.listFiles(leaderCheckpoint.directory())) {
                copy(file, staging.resolve(file.getFileName()));
            }
            checkpoints.publish(staging, leaderCheckpoint.metadata());
            storage.log().save(new HardState(2, 0, 30), List.of(),
                    new Snapshot(leaderCheckpoint.metadata(), leaderCheckpoint.descriptor()), true);
            // Crash here: the state machine never installed it.
        }
        try (NodeStorage storage = NodeStorage.open(follower, 7, 2, OPTIONS)) {
            assertEquals(30, storage.stateMachine().appliedIndex());
            assertEquals("v", storage.stateMachine().range(TestEntries.get("k")).getKvs(0).getValue().toStringUtf8());
        }
    }

    @Test
    void snapshotAndCompactKeepsTheRetainedLog() {
        Bootstrap.initialize(root, 7, 1, ConfState.ofVoters(1), List.of(member(1, false)));
        StorageOptions retainTwo = new StorageOptions(OPTIONS.tailCacheBytesMax(), 0, 2, OPTIONS.walSegmentBytes());
        try (NodeStorage storage = NodeStorage.open(root, 7, 1, retainTwo)) {
            List<io.raftkv.raft.Entry> entries = TestEntries.run(2, 10, 1);
            storage.log().save(new HardState(1, 1, 10), entries, null, true);
            storage.stateMachine().apply(entries);
            CheckpointInfo checkpoint = storage.snapshotAndCompact();
            assertEquals(10, checkpoint.metadata().index());
            assertEquals(9, storage.log().firstIndex());
            assertEquals(10, storage.log().snapshot().index());
            assertEquals(List.of("snap-1-10", "snap-1-1"), storage.checkpoints().list());
        }
    }

    @Test
    void theDiskReserveRefusesWritesWithResourceExhausted() {
        DiskReserve reserve = new DiskReserve(root, Long.MAX_VALUE);
        assertTrue(reserve.isBelowReserve());
        ServerException e = assertThrows(ServerException.class, reserve::checkWritable);
        assertEquals(ErrorCode.DISK_FULL, e.code());
        assertEquals(io.grpc.Status.Code.RESOURCE_EXHAUSTED, e.code().statusCode());
        assertTrue(e.getMessage().startsWith("disk space below reserve"), e.getMessage());
        new DiskReserve(root, 0).checkWritable();
    }

    @Test
    void anotherClustersDataDirectoryIsRefusedBeforeAnyDatabaseOpens() {
        Bootstrap.initialize(root, 7, 1, INITIAL, List.of());
        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> NodeStorage.open(root, 8, 1, OPTIONS));
        assertTrue(e.getMessage().contains("belongs to cluster 7, not 8"), e.getMessage());
        // The refused open released everything: the right cluster can open it at once.
        NodeStorage.open(root, 7, 1, OPTIONS).close();
    }

    private static void copy(Path from, Path to) {
        try {
            java.nio.file.Files.copy(from, to);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
