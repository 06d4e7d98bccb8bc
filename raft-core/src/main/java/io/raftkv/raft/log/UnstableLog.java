package io.raftkv.raft.log;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * Entries and a snapshot the core holds but the driver has not yet persisted. Invariant: when a
 * snapshot is present, entries start right after it; otherwise entries start at {@code offset}.
 * Not thread-safe; owned by the raft loop.
 */
final class UnstableLog {
    private Snapshot snapshot;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Index of entries.get(0), or where the next entry goes when entries is empty. */
    private long offset;

    UnstableLog(long offset) {
        this.offset = offset;
    }

    Snapshot snapshot() {
        return snapshot;
    }

    long offset() {
        return offset;
    }

    List<Entry> entries() {
        return entries;
    }

    /** The first index known only here: just after an unstable snapshot. */
    long maybeFirstIndex() {
        return snapshot == null ? -1 : snapshot.index() + 1;
    }

    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot == null ? -1 : snapshot.index();
    }

    /** The term at index if this log knows it, else -1. */
    long maybeTerm(long index) {
        if (index < offset) {
            return snapshot != null && snapshot.index() == index ? snapshot.term() : -1;
        }
        long last = maybeLastIndex();
        if (last < 0 || index > last) {
            return -1;
        }
        return entries.get((int) (index - offset)).term();
    }

    /** The driver persisted entries up to (term, index): they leave this log. */
    void stableTo(long index, long term) {
        long knownTerm = maybeTerm(index);
        // A later append may have replaced the entry the driver persisted; then nothing is stable yet.
        if (knownTerm != term || index < offset) {
            return;
        }
        int count = (int) (index + 1 - offset);
        entries.subList(0, count).clear();
        offset = index + 1;
    }

    void stableSnapshotTo(long index) {
        if (snapshot != null && snapshot.index() == index) {
            snapshot = null;
        }
    }

    void restore(Snapshot newSnapshot) {
        offset = newSnapshot.index() + 1;
        entries.clear();
        snapshot = newSnapshot;
    }

    /** Appends after truncating anything at or after the first new index. */
    void truncateAndAppend(List<Entry> newEntries) {
        long first = newEntries.getFirst().index();
        if (first == offset + entries.size()) {
            entries.addAll(newEntries);
        } else if (first <= offset) {
            // Replaces everything unstable; the part of the log before it is in storage.
            offset = first;
            entries.clear();
            entries.addAll(newEntries);
        } else {
            entries.subList((int) (first - offset), entries.size()).clear();
            entries.addAll(newEntries);
        }
        Invariants.check(entries.isEmpty() || entries.getFirst().index() == offset,
                "unstable entries must start at offset %d", offset);
    }

    /** Entries in [low, high); the caller checks the range lies in this log. */
    List<Entry> slice(long low, long high) {
        // Not Invariants.check: its arguments, boxed on every call, were a sixteenth of what the leader allocated.
        if (low < offset || high > offset + entries.size() || low > high) {
            throw Invariants.violated("unstable slice [%d, %d) outside [%d, %d)", low, high, offset, offset + entries.size());
        }
        return entries.subList((int) (low - offset), (int) (high - offset));
    }
}
