package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.command;
import static io.raftkv.server.storage.TestEntries.put;
import static io.raftkv.server.storage.TestEntries.range;
import static io.raftkv.server.storage.TestEntries.withSession;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.api.RangeRequest;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of the state machine and installing them elsewhere. */
class CheckpointTest {
    private static final RangeRequest EVERYTHING = range("\0", "\0");
    /** Where the applier of the concurrent-checkpoint test gives up: checkpoints that never finish. */
    private static final long APPLIED_MAX = 2_000_000;
    private static final int CHECKPOINTS_WHILE_APPLYING = 10;

    @TempDir
    Path dir;

    @Test
    void aCheckpointInstalledOnAnotherInstanceGivesTheSameReadsAppliedIndexAndSessions() {
        Path snapshots = dir.resolve("snapshots");
        CheckpointInfo checkpoint;
        try (KvStateMachine source = bootstrapped(dir.resolve("a"))) {
            source.apply(puts(2, 50));
            source.apply(List.of(command(51, withSession(put("s", "1"), 7, 1, 1_000))));
            checkpoint = source.checkpoint(snapshots);
            assertEquals(new SnapshotMetadata(51, 1, ConfState.ofVoters(1, 2)), checkpoint.metadata());
            assertArrayEquals("snap-1-51".getBytes(StandardCharsets.UTF_8), checkpoint.descriptor());
            assertEquals(snapshots.resolve("snap-1-51"), checkpoint.directory());
            assertTrue(checkpoint.sizeBytes() > 0);
            try (KvStateMachine target = KvStateMachine.open(dir.resolve("b"))) {
                target.install(checkpoint.directory(), checkpoint.metadata());
                assertEquals(source.range(EVERYTHING), target.range(EVERYTHING));
                assertEquals(51, target.appliedIndex());
                assertEquals(source.revision(), target.revision());
                assertEquals(source.confState(), target.confState());
                assertEquals(source.members(), target.members());
                // The session came along: the retry is answered, not applied again.
                target.apply(List.of(command(52, withSession(put("s", "1"), 7, 1, 1_000))));
                assertEquals(1, target.range(TestEntries.get("s")).getKvs(0).getVersion());
            }
        }
        assertTrue(Files.isDirectory(checkpoint.directory()), "installing leaves the checkpoint for sending on");
    }

    /**
     * The node takes checkpoints on a thread of their own while the apply thread goes on: each one
     * must hold exactly the batches up to the index it is named for, no fewer and no more.
     */
    @Test
    void aCheckpointTakenWhileBatchesApplyHoldsExactlyThePrefixItIsNamedFor() throws Exception {
        Path snapshots = dir.resolve("snapshots");
        List<Long> whileApplying = new ArrayList<>();
        java.util.concurrent.atomic.AtomicBoolean enough = new java.util.concurrent.atomic.AtomicBoolean();
        try (KvStateMachine source = bootstrapped(dir.resolve("a"))) {
            // Applies until enough checkpoints were taken meanwhile (a fixed count of entries was
            // sometimes over before the third), with a cap in case checkpoints never finish. Most
            // checkpoints find nothing applied between reading the state and the flush; ten make it
            // near certain that some do, which is the case a wrong name would fail.
            Thread applier = new Thread(() -> {
                for (long first = 2; !enough.get() && first < APPLIED_MAX; first += 10) {
                    source.apply(puts(first, first + 9));
                }
            });
            applier.start();
            while (applier.isAlive()) {
                CheckpointInfo checkpoint = source.checkpoint(snapshots);
                long index = checkpoint.metadata().index();
                // Checked at once: pruning keeps only the newest two.
                try (KvStateMachine installed = KvStateMachine.open(dir.resolve("b-" + index))) {
                    installed.install(checkpoint.directory(), checkpoint.metadata());
                    assertEquals(index, installed.appliedIndex());
                    assertEquals(index - 1, installed.range(EVERYTHING).getCount(), "keys of the checkpoint at " + index);
                }
                if (applier.isAlive() && index > 1 && !whileApplying.contains(index)) {
                    whileApplying.add(index);
                    enough.set(whileApplying.size() >= CHECKPOINTS_WHILE_APPLYING);
                }
            }
            applier.join();
        }
        assertTrue(whileApplying.size() >= CHECKPOINTS_WHILE_APPLYING, "checkpoints at several indexes while applying: " + whileApplying);
    }

    @Test
    void aCheckpointAfterABackgroundFlushHoldsTheEntriesFromBeforeAndAfterTheFlush() {
        Path snapshots = dir.resolve("snapshots");
        try (KvStateMachine source = bootstrapped(dir.resolve("a"))) {
            source.apply(puts(2, 40));
            source.flushAhead();
            source.apply(puts(41, 60));
            CheckpointInfo checkpoint = source.checkpoint(snapshots);
            assertEquals(60, checkpoint.metadata().index());
            try (KvStateMachine target = KvStateMachine.open(dir.resolve("b"))) {
                target.install(checkpoint.directory(), checkpoint.metadata());
                assertEquals(source.range(EVERYTHING), target.range(EVERYTHING));
                assertEquals(59, target.range(EVERYTHING).getCount(), "one key per put of entries 2..60");
            }
        }
    }

    @Test
    void anInstalledStateSurvivesAReopenAndTheOldDatabaseIsGone() throws Exception {
        Path snapshots = dir.resolve("snapshots");
        CheckpointInfo checkpoint;
        try (KvStateMachine source = bootstrapped(dir.resolve("a"))) {
            source.apply(puts(2, 10));
            checkpoint = source.checkpoint(snapshots);
        }
        Path targetRoot = dir.resolve("b");
        try (KvStateMachine target = KvStateMachine.open(targetRoot)) {
            target.install(checkpoint.directory(), checkpoint.metadata());
            target.apply(puts(11, 12));
        }
        try (KvStateMachine reopened = KvStateMachine.open(targetRoot)) {
            assertEquals(12, reopened.appliedIndex());
            assertEquals(11, reopened.range(EVERYTHING).getCount());
        }
        try (var children = Files.list(targetRoot)) {
            assertEquals(List.of("CURRENT_DB", "db-2"), children.map(path -> path.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void aCheckpointAtAnotherPositionThanItsMetadataIsRefusedAndChangesNothing() {
        Path snapshots = dir.resolve("snapshots");
        CheckpointInfo checkpoint;
        try (KvStateMachine source = bootstrapped(dir.resolve("a"))) {
            source.apply(puts(2, 10));
            checkpoint = source.checkpoint(snapshots);
        }
        try (KvStateMachine target = KvStateMachine.open(dir.resolve("b"))) {
            target.apply(List.of(Entry.normal(1, 1, new byte[0])));
            SnapshotMetadata lie = new SnapshotMetadata(11, 1, checkpoint.metadata().confState());
            InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class,
                    () -> target.install(checkpoint.directory(), lie));
            assertTrue(e.getMessage().contains("holds applied 1/10"), e.getMessage());
            assertEquals(1, target.appliedIndex());
            assertEquals(0, target.range(EVERYTHING).getCount());
        }
    }

    @Test
    void checkpointsKeepOnlyTheNewestTwo() {
        Path snapshots = dir.resolve("snapshots");
        try (KvStateMachine machine = bootstrapped(dir.resolve("a"))) {
            for (long index = 2; index <= 5; index++) {
                machine.apply(puts(index, index));
                machine.checkpoint(snapshots);
            }
        }
        assertEquals(List.of("snap-1-5", "snap-1-4"), new CheckpointDirectory(snapshots).list());
    }

    @Test
    void checkpointingTwiceAtOneIndexReusesTheCheckpoint() {
        Path snapshots = dir.resolve("snapshots");
        try (KvStateMachine machine = bootstrapped(dir.resolve("a"))) {
            CheckpointInfo first = machine.checkpoint(snapshots);
            CheckpointInfo second = machine.checkpoint(snapshots);
            assertEquals(first, second);
        }
    }

    @Test
    void stagedSnapshotsArePublishedUnderTheirDescriptorName() throws Exception {
        Path snapshots = dir.resolve("snapshots");
        CheckpointInfo local;
        try (KvStateMachine machine = bootstrapped(dir.resolve("a"))) {
            machine.apply(puts(2, 3));
            local = machine.checkpoint(snapshots);
        }
        // A follower receives the leader's files into a staging directory, then publishes them.
        CheckpointDirectory follower = new CheckpointDirectory(dir.resolve("follower-snapshots"));
        Path staging = follower.staging(local.metadata());
        for (Path file : FileSync.listFiles(local.directory())) {
            Files.copy(file, staging.resolve(file.getFileName()));
        }
        assertEquals(List.of(), follower.list(), "a partial snapshot is never listed");
        Path published = follower.publish(staging, local.metadata());
        assertEquals(published, follower.resolve(local.descriptor()));
        assertFalse(Files.exists(staging));
        try (KvStateMachine target = KvStateMachine.open(dir.resolve("b"))) {
            target.install(published, local.metadata());
            assertEquals(3, target.appliedIndex());
        }
    }

    @Test
    void aDescriptorThatIsNotACheckpointNameIsRefused() {
        CheckpointDirectory checkpoints = new CheckpointDirectory(dir);
        assertThrows(InvalidCheckpointException.class, () -> checkpoints.resolve("../etc".getBytes(StandardCharsets.UTF_8)));
        InvalidCheckpointException missing = assertThrows(InvalidCheckpointException.class,
                () -> checkpoints.resolve("snap-1-9".getBytes(StandardCharsets.UTF_8)));
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
    }

    @Test
    void anInstalledSnapshotsSessionsReplaceTheOnesThisInstanceHadCached() {
        CheckpointInfo checkpoint;
        try (KvStateMachine source = bootstrapped(dir.resolve("a"))) {
            source.apply(puts(2, 10));
            source.apply(List.of(command(11, withSession(put("s", "1"), 7, 1, 1_000))));
            checkpoint = source.checkpoint(dir.resolve("snapshots"));
        }
        try (KvStateMachine target = bootstrapped(dir.resolve("b"))) {
            // Client 7 got as far as sequence 3 here, which the apply thread remembers.
            target.apply(List.of(command(2, withSession(put("s", "x"), 7, 3, 1_000))));
            target.install(checkpoint.directory(), checkpoint.metadata());

            // The snapshot says sequence 1, so 2 is new and applied, not refused as older than 3.
            target.apply(List.of(command(12, withSession(put("s", "2"), 7, 2, 1_000))));
            assertEquals("2", target.range(TestEntries.get("s")).getKvs(0).getValue().toStringUtf8());
        }
    }

    private static KvStateMachine bootstrapped(Path root) {
        KvStateMachine machine = KvStateMachine.open(root);
        machine.bootstrap(ConfState.ofVoters(1, 2), List.of(MembershipTest.member(1, false), MembershipTest.member(2, false)));
        return machine;
    }

    private static List<Entry> puts(long first, long last) {
        List<Entry> out = new ArrayList<>();
        for (long index = first; index <= last; index++) {
            out.add(command(index, put("key-" + index, "value-" + index)));
        }
        return out;
    }

}
