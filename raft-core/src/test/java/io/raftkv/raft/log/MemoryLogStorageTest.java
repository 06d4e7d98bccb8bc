package io.raftkv.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MemoryLogStorageTest {
    static Entry entry(long index, long term) {
        return Entry.normal(index, term, new byte[0]);
    }

    /** Entries index..index+terms.length-1 with the given terms. */
    static List<Entry> entries(long index, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (long term : terms) {
            entries.add(entry(index++, term));
        }
        return entries;
    }

    /** Bootstrap snapshot at 1/1, then entries 2..6 of terms 1,1,2,2,3. */
    static MemoryLogStorage storage() {
        MemoryLogStorage storage = MemoryLogStorage.bootstrap(ConfState.ofVoters(1, 2, 3), new byte[0]);
        storage.append(entries(2, 1, 1, 2, 2, 3));
        return storage;
    }

    static List<Long> terms(MemoryLogStorage storage) {
        return storage.entries(storage.firstIndex(), storage.lastIndex() + 1, Long.MAX_VALUE).stream()
                .map(Entry::term).toList();
    }

    @Test
    void bootstrapStartsFromASnapshotAtIndexOne() {
        MemoryLogStorage storage = MemoryLogStorage.bootstrap(ConfState.ofVoters(1, 2, 3), new byte[] {7});
        assertEquals(2, storage.firstIndex());
        assertEquals(1, storage.lastIndex());
        assertEquals(1, storage.term(1));
        assertEquals(new HardState(1, 0, 1), storage.hardState());
        assertEquals(ConfState.ofVoters(1, 2, 3), storage.confState());
    }

    static Stream<Arguments> appends() {
        return Stream.of(
                Arguments.of("after the end", entries(7, 3, 3), List.of(1L, 1L, 2L, 2L, 3L, 3L, 3L)),
                Arguments.of("overlapping the same entries", entries(5, 2, 3), List.of(1L, 1L, 2L, 2L, 3L)),
                Arguments.of("conflicting: truncates the tail", entries(4, 4), List.of(1L, 1L, 4L)),
                Arguments.of("conflicting and longer", entries(5, 4, 4, 4, 4), List.of(1L, 1L, 2L, 4L, 4L, 4L, 4L)),
                Arguments.of("starting before the snapshot: the covered part is skipped", entries(1, 1, 1, 5),
                        List.of(1L, 5L)),
                Arguments.of("wholly before the snapshot: nothing changes", entries(1, 1), List.of(1L, 1L, 2L, 2L, 3L)),
                Arguments.of("empty", List.of(), List.of(1L, 1L, 2L, 2L, 3L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appends")
    void appendTruncatesFromTheFirstNewIndex(String row, List<Entry> append, List<Long> termsAfter) {
        MemoryLogStorage storage = storage();
        storage.append(append);
        assertEquals(termsAfter, terms(storage));
    }

    @Test
    void appendLeavingAGapIsAProgrammingError() {
        MemoryLogStorage storage = storage();
        assertThrows(AssertionError.class, () -> storage.append(entries(8, 3)));
    }

    @Test
    void termIsKnownFromTheSnapshotIndexToTheLastIndex() {
        MemoryLogStorage storage = storage();
        assertEquals(1, storage.term(1), "the snapshot's own index");
        assertEquals(3, storage.term(6));
        assertThrows(StorageException.Unavailable.class, () -> storage.term(7));
        storage.createSnapshot(4, ConfState.ofVoters(1, 2, 3), new byte[0]);
        assertEquals(2, storage.term(4), "the new snapshot's index keeps its term");
        assertThrows(StorageException.Compacted.class, () -> storage.term(3));
    }

    @Test
    void entriesOutsideTheLogAreCompactedOrUnavailable() {
        MemoryLogStorage storage = storage();
        storage.createSnapshot(3, ConfState.ofVoters(1, 2, 3), new byte[0]);
        assertThrows(StorageException.Compacted.class, () -> storage.entries(3, 5, Long.MAX_VALUE));
        assertThrows(StorageException.Unavailable.class, () -> storage.entries(4, 8, Long.MAX_VALUE));
        assertEquals(3, storage.entries(4, 7, Long.MAX_VALUE).size());
        assertEquals(List.of(), storage.entries(5, 5, Long.MAX_VALUE));
    }

    @Test
    void entriesStopAtTheByteLimitButReturnAtLeastOne() {
        MemoryLogStorage storage = storage();
        long one = entry(1, 1).sizeBytes();
        assertEquals(1, storage.entries(2, 7, 0).size());
        assertEquals(1, storage.entries(2, 7, one).size());
        assertEquals(2, storage.entries(2, 7, 2 * one).size());
        assertEquals(2, storage.entries(2, 7, 3 * one - 1).size());
    }

    @Test
    void createSnapshotDropsTheLogUpToItsIndexAndKeepsTheRest() {
        MemoryLogStorage storage = storage();
        ConfState confState = ConfState.ofVoters(1, 2, 3, 4);
        storage.createSnapshot(4, confState, new byte[] {1, 2});
        assertEquals(5, storage.firstIndex());
        assertEquals(6, storage.lastIndex());
        assertEquals(List.of(2L, 3L), terms(storage));
        Snapshot snapshot = storage.snapshot();
        assertEquals(new SnapshotMetadata(4, 2, confState), snapshot.metadata());
        assertEquals(confState, storage.confState());
    }

    @Test
    void createSnapshotOutsideTheLogIsAProgrammingError() {
        MemoryLogStorage storage = storage();
        assertThrows(AssertionError.class, () -> storage.createSnapshot(7, ConfState.ofVoters(1), new byte[0]));
        storage.createSnapshot(4, ConfState.ofVoters(1), new byte[0]);
        assertThrows(AssertionError.class, () -> storage.createSnapshot(4, ConfState.ofVoters(1), new byte[0]));
        assertThrows(AssertionError.class, () -> storage.createSnapshot(3, ConfState.ofVoters(1), new byte[0]));
    }

    @Test
    void applyingASnapshotTheLogAgreesWithKeepsTheEntriesAfterIt() {
        MemoryLogStorage storage = storage();
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(5, 2, ConfState.ofVoters(1)), new byte[0]));
        assertEquals(6, storage.firstIndex());
        assertEquals(6, storage.lastIndex());
    }

    @Test
    void applyingASnapshotTheLogDisagreesWithReplacesTheLog() {
        MemoryLogStorage storage = storage();
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(5, 9, ConfState.ofVoters(1)), new byte[0]));
        assertEquals(6, storage.firstIndex());
        assertEquals(5, storage.lastIndex());
        assertEquals(9, storage.term(5));
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(20, 9, ConfState.ofVoters(1)), new byte[0]));
        assertEquals(21, storage.firstIndex());
        assertEquals(20, storage.lastIndex());
        assertTrue(terms(storage).isEmpty());
    }

    @Test
    void aSnapshotGoingBackwardsIsAProgrammingError() {
        MemoryLogStorage storage = storage();
        storage.createSnapshot(4, ConfState.ofVoters(1), new byte[0]);
        assertThrows(AssertionError.class,
                () -> storage.applySnapshot(new Snapshot(new SnapshotMetadata(3, 2, ConfState.ofVoters(1)), new byte[0])));
    }
}
