package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.normal;
import static io.raftkv.server.storage.TestEntries.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChangeCodec;
import io.raftkv.raft.log.StorageException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

class WalLogStoreTest {
    private static final long CACHE_BYTES = 64L << 20;
    private static final int SEGMENT_BYTES = 64 << 10;
    private static final ConfState THREE = ConfState.ofVoters(1, 2, 3);

    @TempDir
    Path dir;

    @Test
    void anEmptyLogStartsAtIndexOneWithNothingInIt() {
        try (WalLogStore log = open()) {
            assertEquals(1, log.firstIndex());
            assertEquals(0, log.lastIndex());
            assertEquals(0, log.term(0));
            assertEquals(HardState.EMPTY, log.hardState());
            assertEquals(ConfState.EMPTY, log.confState());
            assertTrue(log.snapshot().isEmpty());
            assertEquals(List.of(), log.entries(1, 1, Long.MAX_VALUE));
        }
    }

    @Test
    void appendedEntriesAndHardStateSurviveAReopen() {
        try (WalLogStore log = open()) {
            log.save(new HardState(2, 1, 3), concat(run(1, 3, 1), run(4, 5, 2)), null, true);
        }
        try (WalLogStore log = open()) {
            assertEquals(new HardState(2, 1, 3), log.hardState());
            assertEquals(1, log.firstIndex());
            assertEquals(5, log.lastIndex());
            assertEquals(concat(run(1, 3, 1), run(4, 5, 2)), log.entries(1, 6, Long.MAX_VALUE));
            assertEquals(1, log.term(3));
            assertEquals(2, log.term(4));
        }
    }

    @Test
    void aHardStateSavedWithTheEntriesItCommitsIsWrittenInTheSameBatch() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 1, 0), run(1, 2, 1), null, true);
            // The commit index covers entries of this very save: allowed because it is one batch.
            log.save(new HardState(1, 1, 4), run(3, 4, 1), null, true);
        }
        try (WalLogStore log = open()) {
            assertEquals(4, log.hardState().commit());
            assertEquals(4, log.lastIndex());
        }
    }

    @Test
    void aCommitBeyondTheEntriesOfTheSaveIsAnInvariantFailure() {
        try (WalLogStore log = open()) {
            assertThrows(AssertionError.class, () -> log.save(new HardState(1, 1, 3), run(1, 2, 1), null, true));
            assertEquals(0, log.lastIndex(), "nothing of the refused save was written");
        }
        try (WalLogStore log = open()) {
            assertEquals(0, log.lastIndex(), "nothing of the refused save reached the disk");
            assertEquals(HardState.EMPTY, log.hardState());
        }
    }

    @Test
    void appendingAtAnEarlierIndexTruncatesTheConflictingSuffix() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 0, 2), run(1, 6, 1), null, true);
            log.save(new HardState(2, 0, 2), run(4, 4, 2), null, true);
            assertEquals(4, log.lastIndex());
            assertEquals(concat(run(1, 3, 1), run(4, 4, 2)), log.entries(1, 5, Long.MAX_VALUE));
            assertThrows(StorageException.Unavailable.class, () -> log.term(5));
        }
        try (WalLogStore log = open()) {
            assertEquals(4, log.lastIndex(), "the truncated entries stay gone after a reopen");
            assertEquals(2, log.term(4));
        }
    }

    @Test
    void truncatingACommittedEntryIsAnInvariantFailure() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 0, 4), run(1, 6, 1), null, true);
            assertThrows(AssertionError.class, () -> log.save(null, run(4, 4, 2), null, true));
            assertEquals(6, log.lastIndex());
        }
        try (WalLogStore log = open()) {
            assertEquals(run(1, 6, 1), log.entries(1, 7, Long.MAX_VALUE), "nothing of the refused save reached the disk");
        }
    }

    @Test
    void anAppendThatLeavesAGapIsAnInvariantFailure() {
        try (WalLogStore log = open()) {
            log.save(null, run(1, 2, 1), null, true);
            assertThrows(AssertionError.class, () -> log.save(null, run(4, 5, 1), null, true));
        }
    }

    @Test
    void theTailCacheStaysConsistentWithTruncation() {
        // A cache large enough to hold everything, so every read below is served from it.
        try (WalLogStore log = open()) {
            log.save(null, run(1, 10, 1), null, true);
            assertEquals(run(5, 10, 1), log.entries(5, 11, Long.MAX_VALUE));
            log.save(null, run(6, 8, 2), null, true);
            assertEquals(concat(run(5, 5, 1), run(6, 8, 2)), log.entries(5, 9, Long.MAX_VALUE));
            assertThrows(StorageException.Unavailable.class, () -> log.entries(5, 10, Long.MAX_VALUE));
            log.save(null, run(9, 9, 3), null, true);
            assertEquals(3, log.term(9));
            assertEquals(concat(run(1, 5, 1), run(6, 8, 2), run(9, 9, 3)), log.entries(1, 10, Long.MAX_VALUE));
        }
        try (WalLogStore log = open()) {
            assertEquals(concat(run(1, 5, 1), run(6, 8, 2), run(9, 9, 3)), log.entries(1, 10, Long.MAX_VALUE),
                    "what the cache served is what the disk holds");
        }
    }

    @Test
    void readsSpanningTheDiskAndASmallTailCacheAreContiguous() {
        long threeEntries = 3 * normal(1, 1, "e1").sizeBytes();
        try (WalLogStore log = WalLogStore.open(dir, threeEntries, SEGMENT_BYTES)) {
            log.save(null, run(1, 10, 1), null, true);
            assertTrue(log.cachedBytes() <= threeEntries);
            assertEquals(run(1, 10, 1), log.entries(1, 11, Long.MAX_VALUE));
            log.save(null, run(3, 4, 2), null, true);
            assertEquals(concat(run(1, 2, 1), run(3, 4, 2)), log.entries(1, 5, Long.MAX_VALUE));
        }
    }

    @Test
    void entriesStopAtTheByteLimitButReturnAtLeastOne() {
        try (WalLogStore log = WalLogStore.open(dir, 0, SEGMENT_BYTES)) {
            log.save(null, run(1, 5, 1), null, true);
            long one = normal(1, 1, "e1").sizeBytes();
            assertEquals(run(1, 1, 1), log.entries(1, 6, 1));
            assertEquals(run(1, 2, 1), log.entries(1, 6, 2 * one));
            assertEquals(run(1, 2, 1), log.entries(1, 6, 2 * one + 1));
        }
    }

    @Test
    void compactionKeepsTheRetainedEntriesAndRemembersTheBoundaryTerm() {
        try (WalLogStore log = open()) {
            log.save(new HardState(3, 0, 10), concat(run(1, 4, 1), run(5, 10, 3)), null, true);
            assertTrue(log.compact(new SnapshotMetadata(8, 3, THREE), descriptor(3, 8), 4));
            assertEquals(5, log.firstIndex(), "entries at or below 8 - 4 are dropped");
            assertEquals(1, log.term(4), "the boundary's term is remembered");
            assertThrows(StorageException.Compacted.class, () -> log.term(3));
            assertThrows(StorageException.Compacted.class, () -> log.entries(4, 6, Long.MAX_VALUE));
            assertEquals(run(5, 10, 3), log.entries(5, 11, Long.MAX_VALUE));
            assertEquals(new SnapshotMetadata(8, 3, THREE), log.snapshot().metadata());
            assertArrayEquals(descriptor(3, 8), log.snapshot().data());
        }
        try (WalLogStore log = open()) {
            assertEquals(5, log.firstIndex());
            assertEquals(1, log.term(4));
            assertEquals(8, log.snapshot().index());
        }
    }

    @Test
    void compactionWithoutRetainedEntriesDropsTheLogThroughTheSnapshot() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 0, 6), run(1, 6, 1), null, true);
            log.compact(new SnapshotMetadata(6, 1, THREE), descriptor(1, 6), 0);
            assertEquals(7, log.firstIndex());
            assertEquals(6, log.lastIndex());
            assertEquals(1, log.term(6));
            assertEquals(THREE, log.confState());
        }
    }

    @Test
    void theBoundaryMembershipIsTheOneInForceAtTheBoundaryNotAtTheSnapshot() {
        // raft-core rebuilds its configuration from confState() and re-applies the conf changes after
        // the boundary: the retained conf change at 5 must not already be in confState().
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 1, 1), List.of(), new Snapshot(new SnapshotMetadata(1, 1, ConfState.ofVoters(1)), descriptor(1, 1)), true);
            List<Entry> entries = new ArrayList<>(run(2, 2, 1));
            entries.add(confChange(3, ConfChange.simple(ConfChange.ChangeType.ADD_VOTER, 2)));
            entries.addAll(run(4, 4, 1));
            entries.add(confChange(5, ConfChange.simple(ConfChange.ChangeType.ADD_LEARNER, 3)));
            entries.addAll(run(6, 8, 1));
            log.save(new HardState(1, 1, 8), entries, null, true);
            ConfState atSeven = new ConfState(java.util.Set.of(1L, 2L), java.util.Set.of(3L), java.util.Set.of(), java.util.Set.of(), false);
            log.compact(new SnapshotMetadata(7, 1, atSeven), descriptor(1, 7), 3);
            assertEquals(5, log.firstIndex());
            assertEquals(ConfState.ofVoters(1, 2), log.confState());
            assertEquals(atSeven, log.snapshot().metadata().confState());
        }
    }

    @Test
    void aCompactionOlderThanTheRecordedSnapshotIsIgnored() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 0, 9), run(1, 9, 1), null, true);
            log.compact(new SnapshotMetadata(8, 1, THREE), descriptor(1, 8), 2);
            assertFalse(log.compact(new SnapshotMetadata(5, 1, THREE), descriptor(1, 5), 0));
            assertEquals(7, log.firstIndex());
            assertEquals(8, log.snapshot().index());
        }
    }

    @Test
    void aLeaderSnapshotTheLogDoesNotHoldReplacesTheWholeLog() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 0, 2), run(1, 5, 1), null, true);
            Snapshot snapshot = new Snapshot(new SnapshotMetadata(20, 4, THREE), descriptor(4, 20));
            log.save(new HardState(4, 0, 20), List.of(), snapshot, true);
            assertEquals(21, log.firstIndex());
            assertEquals(20, log.lastIndex());
            assertEquals(4, log.term(20));
            assertEquals(THREE, log.confState());
            assertEquals(snapshot, log.snapshot());
            log.save(null, run(21, 22, 4), null, true);
        }
        try (WalLogStore log = open()) {
            assertEquals(21, log.firstIndex());
            assertEquals(run(21, 22, 4), log.entries(21, 23, Long.MAX_VALUE));
        }
    }

    @Test
    void aLeaderSnapshotTheLogHoldsKeepsTheEntriesAfterIt() {
        try (WalLogStore log = open()) {
            log.save(new HardState(1, 0, 2), run(1, 8, 1), null, true);
            log.save(new HardState(1, 0, 5), List.of(), new Snapshot(new SnapshotMetadata(5, 1, THREE), descriptor(1, 5)), true);
            assertEquals(6, log.firstIndex());
            assertEquals(8, log.lastIndex());
            assertEquals(run(6, 8, 1), log.entries(6, 9, Long.MAX_VALUE));
        }
    }

    @Test
    void hardStateInvariantsRefuseAVoteChangeWithinATerm() {
        try (WalLogStore log = open()) {
            log.save(new HardState(2, 1, 0), List.of(), null, true);
            assertThrows(AssertionError.class, () -> log.save(new HardState(2, 3, 0), List.of(), null, true));
            assertThrows(AssertionError.class, () -> log.save(new HardState(1, 0, 0), List.of(), null, true));
            log.save(new HardState(3, 3, 0), List.of(), null, true);
            assertEquals(new HardState(3, 3, 0), log.hardState());
        }
    }

    @Test
    void rocksDbNoSpaceBecomesStorageFullAndOtherErrorsStorageFailed() {
        RocksDBException noSpace = new RocksDBException("IO error: No space left on device",
                new Status(Status.Code.IOError, Status.SubCode.NoSpace, "No space left on device"));
        RocksDBException ioError = new RocksDBException("IO error: bad sector",
                new Status(Status.Code.IOError, Status.SubCode.None, "bad sector"));
        StorageFailedException full = StorageErrors.of(noSpace, "saving to the log", dir);
        StorageFailedException failed = StorageErrors.of(ioError, "saving to the log", dir);
        assertTrue(full instanceof StorageFullException, full.toString());
        assertFalse(failed instanceof StorageFullException, failed.toString());
        assertTrue(full.getMessage().contains("saving to the log failed in " + dir), full.getMessage());
        assertTrue(failed.getMessage().contains("IOError"), failed.getMessage());
    }

    @Test
    void aFileSystemOutOfSpaceBecomesStorageFullAndOtherIoErrorsStorageFailed() {
        StorageFailedException full = StorageErrors.of(new java.io.IOException("No space left on device"), "writing WAL segment", dir);
        StorageFailedException failed = StorageErrors.of(new java.io.IOException("Input/output error"), "writing WAL segment", dir);
        assertTrue(full instanceof StorageFullException, full.toString());
        assertFalse(failed instanceof StorageFullException, failed.toString());
        assertTrue(failed.getMessage().contains("writing WAL segment failed in " + dir), failed.getMessage());
    }

    @Test
    void freeBytesReportsTheFileSystemsUsableSpace() {
        try (WalLogStore log = open()) {
            assertTrue(log.freeBytes() > 0);
        }
    }

    private static Entry confChange(long index, ConfChange change) {
        return new Entry(index, 1, EntryType.CONF_CHANGE, ConfChangeCodec.encode(change));
    }

    private static byte[] descriptor(long term, long index) {
        return CheckpointDirectory.nameOf(term, index).getBytes(StandardCharsets.UTF_8);
    }

    @SafeVarargs
    private static List<Entry> concat(List<Entry>... parts) {
        List<Entry> out = new ArrayList<>();
        for (List<Entry> part : parts) {
            out.addAll(part);
        }
        return out;
    }

    private WalLogStore open() {
        return WalLogStore.open(dir, CACHE_BYTES, SEGMENT_BYTES);
    }
}
