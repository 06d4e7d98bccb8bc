package io.raftkv.raft.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryId;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RaftLogTest {
    static List<Entry> entries(long index, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (long term : terms) {
            entries.add(Entry.normal(index++, term, new byte[] {(byte) index}));
        }
        return entries;
    }

    /** A persisted log of entries 1..n with the given terms, nothing committed. */
    static RaftLog log(long... terms) {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.append(entries(1, terms));
        return new RaftLog(storage);
    }

    static List<Long> terms(RaftLog log) {
        return log.slice(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE).stream().map(Entry::term).toList();
    }

    static Stream<Arguments> appends() {
        return Stream.of(
                Arguments.of("prev term differs: reject", 3, 2, 3, List.of(), -1L, 1L, List.of(1L, 2L, 3L)),
                Arguments.of("prev beyond our last: reject", 4, 3, 3, List.of(), -1L, 1L, List.of(1L, 2L, 3L)),
                Arguments.of("heartbeat-like: commit moves to the leader's", 3, 3, 3, List.of(), 3L, 3L, List.of(1L, 2L, 3L)),
                Arguments.of("commit capped at the last entry the append covers", 2, 2, 3, List.of(), 2L, 2L,
                        List.of(1L, 2L, 3L)),
                Arguments.of("new entries are appended", 3, 3, 5, entries(4, 4, 4), 5L, 5L, List.of(1L, 2L, 3L, 4L, 4L)),
                Arguments.of("entries we hold change nothing", 1, 1, 1, entries(2, 2, 3), 3L, 1L, List.of(1L, 2L, 3L)),
                Arguments.of("a stale shorter append does not truncate", 1, 1, 1, entries(2, 2), 2L, 1L,
                        List.of(1L, 2L, 3L)),
                Arguments.of("a conflict truncates from it", 1, 1, 1, entries(2, 4), 2L, 1L, List.of(1L, 4L)),
                Arguments.of("a conflict after a matching prefix", 1, 1, 2, entries(2, 2, 4, 4), 4L, 2L,
                        List.of(1L, 2L, 4L, 4L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("appends")
    void maybeAppendAcceptsOnlyAfterAMatchingEntryAndTruncatesAtTheFirstConflict(
            String row, long prevIndex, long prevTerm, long commit, List<Entry> append, long lastMatch,
            long committedAfter, List<Long> termsAfter) {
        RaftLog log = log(1, 2, 3);
        log.commitTo(1);
        assertEquals(lastMatch, log.maybeAppend(prevIndex, prevTerm, commit, append));
        assertEquals(committedAfter, log.committed());
        assertEquals(termsAfter, terms(log));
    }

    @Test
    void aConflictWithACommittedEntryIsAnInvariantViolation() {
        RaftLog log = log(1, 2, 3);
        log.commitTo(2);
        assertThrows(AssertionError.class, () -> log.maybeAppend(1, 1, 3, entries(2, 5)));
        assertEquals(List.of(1L, 2L, 3L), terms(log), "the committed entry is untouched");
    }

    @Test
    void appendOverwritingACommittedEntryIsAnInvariantViolation() {
        RaftLog log = log(1, 2, 3);
        log.commitTo(2);
        assertThrows(AssertionError.class, () -> log.append(entries(2, 9)));
        assertThrows(AssertionError.class, () -> log.append(entries(5, 9)), "a gap");
    }

    /** Log: snapshot at 10 (term 2), then entries 11..15 of terms 2 3 3 5 5. */
    private static RaftLog compactedLog() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(10, 2, ConfState.ofVoters(1)), new byte[0]));
        storage.append(entries(11, 2, 3, 3, 5, 5));
        return new RaftLog(storage);
    }

    static Stream<Arguments> conflictsByTerm() {
        return Stream.of(
                Arguments.of("the entry itself qualifies", 15, 5, new EntryId(5, 15)),
                Arguments.of("skips every entry of a higher term", 15, 4, new EntryId(3, 13)),
                Arguments.of("lands on the last entry of the same term", 15, 3, new EntryId(3, 13)),
                Arguments.of("walks down to an older term", 15, 2, new EntryId(2, 11)),
                Arguments.of("an index past our last starts at our last", 30, 3, new EntryId(3, 13)),
                Arguments.of("an index in the middle", 12, 9, new EntryId(3, 12)),
                Arguments.of("the snapshot boundary when nothing else qualifies", 13, 1, new EntryId(2, 10)),
                Arguments.of("the snapshot index itself", 10, 2, new EntryId(2, 10)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conflictsByTerm")
    void findConflictByTermReturnsTheLastEntryThatCouldMatch(String row, long index, long term, EntryId expected) {
        assertEquals(expected, compactedLog().findConflictByTerm(index, term));
    }

    @Test
    void findConflictByTermNeverAnswersAboveTheIndexAsked() {
        // The leader asks about a follower's hint, which may lie below the leader's own snapshot.
        // An answer above the hint would make the leader probe where the follower has nothing,
        // costing round trips before it sends the snapshot it needs.
        EntryId answer = compactedLog().findConflictByTerm(7, 2);
        assertTrue(answer.index() <= 7, "answered " + answer + " for index 7");
    }

    @Test
    void sliceSpansStorageAndTheUnstableTail() {
        RaftLog log = log(1, 1, 1, 1, 1);
        log.append(entries(6, 2, 2, 2));
        assertEquals(List.of(1L, 1L, 2L, 2L), log.slice(4, 8, Long.MAX_VALUE).stream().map(Entry::term).toList());
        assertEquals(List.of(2L, 2L), log.slice(6, 8, Long.MAX_VALUE).stream().map(Entry::term).toList());
        assertEquals(5, log.lastPersistedIndex());
        assertEquals(8, log.lastIndex());
    }

    @Test
    void sliceStopsAtTheByteLimitOnEitherSideOfTheBoundary() {
        RaftLog log = log(1, 1, 1);
        log.append(entries(4, 2, 2));
        long one = entries(1, 1).getFirst().sizeBytes();
        assertEquals(1, log.slice(1, 6, 0).size(), "at least one entry");
        assertEquals(2, log.slice(2, 6, 2 * one).size(), "stops in storage");
        assertEquals(3, log.slice(2, 6, 3 * one).size(), "exactly up to the boundary");
        assertEquals(4, log.slice(2, 6, 4 * one).size(), "continues into the unstable tail");
    }

    @Test
    void sliceOfCompactedEntriesThrowsCompacted() {
        assertThrows(StorageException.Compacted.class, () -> compactedLog().slice(10, 12, Long.MAX_VALUE));
    }

    @Test
    void anUnstableConflictHidesTheStoredTailUntilPersisted() {
        RaftLog log = log(1, 1, 1, 1, 1);
        log.append(entries(4, 3));
        assertEquals(4, log.lastIndex());
        assertEquals(List.of(1L, 1L, 1L, 3L), terms(log));
        assertEquals(3, log.lastPersistedIndex(), "stored entries 4 and 5 are no longer part of the log");
    }

    @Test
    void stableToIgnoresAnEntryThatWasReplacedSinceTheReady() {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.append(entries(1, 1));
        RaftLog log = new RaftLog(storage);
        log.append(entries(2, 2, 2));
        storage.append(entries(2, 2, 2)); // the driver persists a Ready holding 2/2 and 2/3 ...
        log.append(entries(3, 3)); // ... while 2/3 is replaced before it reports back
        log.stableTo(3, 2);
        // The Ready ending at 2/3 no longer describes the log, so nothing is taken as durable (as in
        // etcd): 2/2 is written again with the next Ready, which is wasteful but never unsafe.
        assertEquals(1, log.lastPersistedIndex());
        assertEquals(List.of(2L, 3L), log.unstableEntries().stream().map(Entry::term).toList());
        storage.append(entries(3, 3));
        log.stableTo(3, 3);
        assertEquals(3, log.lastPersistedIndex());
        assertTrue(log.unstableEntries().isEmpty());
    }

    @Test
    void commitNeverGoesBackAndNeverPassesTheLastEntry() {
        RaftLog log = log(1, 1, 1);
        log.commitTo(2);
        log.commitTo(1);
        assertEquals(2, log.committed());
        assertThrows(AssertionError.class, () -> log.commitTo(4));
    }

    @Test
    void maybeCommitCommitsOnlyAnEntryOfTheGivenTerm() {
        RaftLog log = log(1, 1, 2);
        assertFalse(log.maybeCommit(2, 2), "entry 2 is of term 1");
        assertEquals(0, log.committed());
        assertTrue(log.maybeCommit(3, 2));
        assertEquals(3, log.committed());
        assertFalse(log.maybeCommit(3, 2), "already committed");
    }

    @Test
    void appliedStaysWithinCommitted() {
        RaftLog log = log(1, 1, 1);
        log.commitTo(2);
        assertEquals(2, log.nextCommittedEntries(Long.MAX_VALUE).size());
        log.appliedTo(2);
        assertFalse(log.hasNextCommittedEntries());
        assertThrows(AssertionError.class, () -> log.appliedTo(3));
        assertThrows(AssertionError.class, () -> log.appliedTo(1));
    }

    @Test
    void nextCommittedEntriesAreBoundedByBytes() {
        RaftLog log = log(1, 1, 1, 1);
        log.commitTo(4);
        long one = entries(1, 1).getFirst().sizeBytes();
        assertEquals(2, log.nextCommittedEntries(2 * one).size());
        assertEquals(1, log.nextCommittedEntries(0).size());
    }

    static Stream<Arguments> upToDate() {
        return Stream.of(
                Arguments.of("higher last term wins however short", new EntryId(4, 1), true),
                Arguments.of("lower last term loses however long", new EntryId(2, 100), false),
                Arguments.of("same term, longer wins", new EntryId(3, 6), true),
                Arguments.of("same term, same length wins", new EntryId(3, 5), true),
                Arguments.of("same term, shorter loses", new EntryId(3, 4), false));
    }

    /** Our last entry is 3/5. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("upToDate")
    void isUpToDateComparesLastTermThenLength(String row, EntryId candidateLast, boolean expected) {
        assertEquals(expected, log(1, 1, 2, 3, 3).isUpToDate(candidateLast));
    }

    @Test
    void restoreReplacesTheLogWithTheSnapshot() {
        RaftLog log = log(1, 1, 1);
        log.commitTo(1);
        Snapshot snapshot = new Snapshot(new SnapshotMetadata(20, 4, ConfState.ofVoters(1, 2)), new byte[] {1});
        log.restore(snapshot);
        assertEquals(20, log.committed());
        assertEquals(20, log.applied());
        assertEquals(21, log.firstIndex());
        assertEquals(20, log.lastIndex());
        assertEquals(4, log.term(20));
        assertEquals(snapshot, log.unstableSnapshot());
        assertEquals(snapshot, log.snapshot(), "a leader-to-be would send the newest snapshot");
        assertEquals(0, log.lastPersistedIndex(), "nothing of the new log is durable yet");
        assertFalse(log.hasNextCommittedEntries(), "the snapshot is applied, not its entries");
        log.stableSnapshotTo(20);
        assertNull(log.unstableSnapshot());
    }

    @Test
    void restoreAtOrBelowTheCommitIsAnInvariantViolation() {
        RaftLog log = log(1, 1, 1);
        log.commitTo(3);
        assertThrows(AssertionError.class,
                () -> log.restore(new Snapshot(new SnapshotMetadata(3, 1, ConfState.ofVoters(1)), new byte[0])));
    }

    @Test
    void termOrZeroIsZeroOutsideTheLog() {
        RaftLog log = compactedLog();
        assertEquals(0, log.termOrZero(9));
        assertEquals(2, log.termOrZero(10));
        assertEquals(5, log.termOrZero(15));
        assertEquals(0, log.termOrZero(16));
        assertTrue(log.matchTerm(10, 2));
        assertFalse(log.matchTerm(16, 0), "an index beyond the log never matches");
    }
}
