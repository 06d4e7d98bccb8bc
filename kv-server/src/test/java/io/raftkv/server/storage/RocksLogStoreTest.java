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
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

class RocksLogStoreTest {
    private static final long CACHE_BYTES = 64L << 20;
    private static final ConfState THREE = ConfState.ofVoters(1, 2, 3);

    @TempDir
    Path dir;

    @Test
    void anEmptyLogStartsAtIndexOneWithNothingInIt() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(2, 1, 3), concat(run(1, 3, 1), run(4, 5, 2)), null, true);
        }
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 1, 0), run(1, 2, 1), null, true);
            // The commit index covers entries of this very save: allowed because it is one batch.
            log.save(new HardState(1, 1, 4), run(3, 4, 1), null, true);
        }
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            assertEquals(4, log.hardState().commit());
            assertEquals(4, log.lastIndex());
        }
    }

    @Test
    void aCommitBeyondTheEntriesOfTheSaveIsAnInvariantFailure() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            assertThrows(AssertionError.class, () -> log.save(new HardState(1, 1, 3), run(1, 2, 1), null, true));
            assertEquals(0, log.lastIndex(), "nothing of the refused save was written");
        }
    }

    @Test
    void appendingAtAnEarlierIndexTruncatesTheConflictingSuffix() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 2), run(1, 6, 1), null, true);
            log.save(new HardState(2, 0, 2), run(4, 4, 2), null, true);
            assertEquals(4, log.lastIndex());
            assertEquals(concat(run(1, 3, 1), run(4, 4, 2)), log.entries(1, 5, Long.MAX_VALUE));
            assertThrows(StorageException.Unavailable.class, () -> log.term(5));
        }
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            assertEquals(4, log.lastIndex(), "the truncated entries stay gone after a reopen");
            assertEquals(2, log.term(4));
        }
    }

    @Test
    void truncatingACommittedEntryIsAnInvariantFailure() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 4), run(1, 6, 1), null, true);
            assertThrows(AssertionError.class, () -> log.save(null, run(4, 4, 2), null, true));
            assertEquals(6, log.lastIndex());
        }
    }

    @Test
    void anAppendThatLeavesAGapIsAnInvariantFailure() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(null, run(1, 2, 1), null, true);
            assertThrows(AssertionError.class, () -> log.save(null, run(4, 5, 1), null, true));
        }
    }

    @Test
    void theTailCacheStaysConsistentWithTruncation() {
        // A cache large enough to hold everything, so every read below is served from it.
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(null, run(1, 10, 1), null, true);
            assertEquals(run(5, 10, 1), log.entries(5, 11, Long.MAX_VALUE));
            log.save(null, run(6, 8, 2), null, true);
            assertEquals(concat(run(5, 5, 1), run(6, 8, 2)), log.entries(5, 9, Long.MAX_VALUE));
            assertThrows(StorageException.Unavailable.class, () -> log.entries(5, 10, Long.MAX_VALUE));
            log.save(null, run(9, 9, 3), null, true);
            assertEquals(3, log.term(9));
            assertEquals(concat(run(1, 5, 1), run(6, 8, 2), run(9, 9, 3)), log.entries(1, 10, Long.MAX_VALUE));
        }
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            assertEquals(concat(run(1, 5, 1), run(6, 8, 2), run(9, 9, 3)), log.entries(1, 10, Long.MAX_VALUE),
                    "what the cache served is what the disk holds");
        }
    }

    @Test
    void readsSpanningTheDiskAndASmallTailCacheAreContiguous() {
        long threeEntries = 3 * normal(1, 1, "e1").sizeBytes();
        try (RocksLogStore log = RocksLogStore.open(dir, threeEntries)) {
            log.save(null, run(1, 10, 1), null, true);
            assertTrue(log.cachedBytes() <= threeEntries);
            assertEquals(run(1, 10, 1), log.entries(1, 11, Long.MAX_VALUE));
            log.save(null, run(3, 4, 2), null, true);
            assertEquals(concat(run(1, 2, 1), run(3, 4, 2)), log.entries(1, 5, Long.MAX_VALUE));
        }
    }

    @Test
    void entriesStopAtTheByteLimitButReturnAtLeastOne() {
        try (RocksLogStore log = RocksLogStore.open(dir, 0)) {
            log.save(null, run(1, 5, 1), null, true);
            long one = normal(1, 1, "e1").sizeBytes();
            assertEquals(run(1, 1, 1), log.entries(1, 6, 1));
            assertEquals(run(1, 2, 1), log.entries(1, 6, 2 * one));
            assertEquals(run(1, 2, 1), log.entries(1, 6, 2 * one + 1));
        }
    }

    @Test
    void compactionKeepsTheRetainedEntriesAndRemembersTheBoundaryTerm() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            assertEquals(5, log.firstIndex());
            assertEquals(1, log.term(4));
            assertEquals(8, log.snapshot().index());
        }
    }

    @Test
    void compactionWithoutRetainedEntriesDropsTheLogThroughTheSnapshot() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 9), run(1, 9, 1), null, true);
            log.compact(new SnapshotMetadata(8, 1, THREE), descriptor(1, 8), 2);
            assertFalse(log.compact(new SnapshotMetadata(5, 1, THREE), descriptor(1, 5), 0));
            assertEquals(7, log.firstIndex());
            assertEquals(8, log.snapshot().index());
        }
    }

    @Test
    void aLeaderSnapshotTheLogDoesNotHoldReplacesTheWholeLog() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            assertEquals(21, log.firstIndex());
            assertEquals(run(21, 22, 4), log.entries(21, 23, Long.MAX_VALUE));
        }
    }

    @Test
    void aLeaderSnapshotTheLogHoldsKeepsTheEntriesAfterIt() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 2), run(1, 8, 1), null, true);
            log.save(new HardState(1, 0, 5), List.of(), new Snapshot(new SnapshotMetadata(5, 1, THREE), descriptor(1, 5)), true);
            assertEquals(6, log.firstIndex());
            assertEquals(8, log.lastIndex());
            assertEquals(run(6, 8, 1), log.entries(6, 9, Long.MAX_VALUE));
        }
    }

    @Test
    void aFlippedByteInAStoredEntryIsReportedAsCorruptionNamingTheIndex() throws RocksDBException {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 3), run(1, 5, 1), null, true);
        }
        try (RawLog raw = new RawLog(dir)) {
            byte[] key = LogCodec.entryKey(3);
            byte[] value = raw.db.get(raw.entries, key);
            value[value.length - 1] ^= 0x01;
            raw.db.put(raw.entries, key, value);
        }
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> RocksLogStore.open(dir, CACHE_BYTES));
        assertTrue(e.getMessage().contains("log entry 3 is corrupt: CRC32C mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
    }

    @Test
    void aMissingEntryInTheMiddleRefusesTheOpen() throws RocksDBException {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(null, run(1, 5, 1), null, true);
        }
        try (RawLog raw = new RawLog(dir)) {
            raw.db.delete(raw.entries, LogCodec.entryKey(3));
        }
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> RocksLogStore.open(dir, CACHE_BYTES));
        assertTrue(e.getMessage().contains("expected entry 3 but found 4"), e.getMessage());
    }

    @Test
    void aCommitIndexBeyondTheLogRefusesTheOpen() throws RocksDBException {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 2), run(1, 3, 1), null, true);
        }
        try (RawLog raw = new RawLog(dir)) {
            raw.db.put(raw.records, LogCodec.HARD_STATE_KEY, LogCodec.encodeHardState(new HardState(1, 0, 9)));
        }
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> RocksLogStore.open(dir, CACHE_BYTES));
        assertTrue(e.getMessage().contains("commit index 9 is beyond the last index 3"), e.getMessage());
    }

    @Test
    void aCorruptHardStateRecordRefusesTheOpen() throws RocksDBException {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
            log.save(new HardState(1, 0, 2), run(1, 3, 1), null, true);
        }
        try (RawLog raw = new RawLog(dir)) {
            byte[] value = raw.db.get(raw.records, LogCodec.HARD_STATE_KEY);
            value[8] ^= 0x40;
            raw.db.put(raw.records, LogCodec.HARD_STATE_KEY, value);
        }
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> RocksLogStore.open(dir, CACHE_BYTES));
        assertTrue(e.getMessage().contains("hard state record is corrupt"), e.getMessage());
    }

    @Test
    void hardStateInvariantsRefuseAVoteChangeWithinATerm() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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
    void freeBytesReportsTheFileSystemsUsableSpace() {
        try (RocksLogStore log = RocksLogStore.open(dir, CACHE_BYTES)) {
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

    /** The log's RocksDB opened directly, to damage it the way a disk or a stray write would. */
    private static final class RawLog implements AutoCloseable {
        final List<ColumnFamilyHandle> handles = new ArrayList<>();
        final RocksDB db;
        final ColumnFamilyHandle records;
        final ColumnFamilyHandle entries;

        RawLog(Path dir) throws RocksDBException {
            db = RocksDB.open(dir.toString(), List.of(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                    new ColumnFamilyDescriptor(RocksLogStore.ENTRIES_FAMILY.getBytes(StandardCharsets.US_ASCII))), handles);
            records = handles.get(0);
            entries = handles.get(1);
        }

        @Override
        public void close() {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
        }
    }
}
