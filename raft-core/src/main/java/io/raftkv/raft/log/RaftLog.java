package io.raftkv.raft.log;

import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryId;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The log as Raft reasons about it: what storage holds plus what is not yet persisted.
 * Invariant: {@code applied <= committed <= lastIndex}; entries at or below committed never change.
 * Not thread-safe; owned by the raft loop.
 */
public final class RaftLog {
    private final LogStorage storage;
    private final UnstableLog unstable;
    private long committed;
    /** Highest index handed to the driver to apply. */
    private long applied;

    public RaftLog(LogStorage storage) {
        this.storage = storage;
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        this.committed = storage.firstIndex() - 1;
        this.applied = storage.firstIndex() - 1;
    }

    public long committed() {
        return committed;
    }

    public long applied() {
        return applied;
    }

    public long firstIndex() {
        long index = unstable.maybeFirstIndex();
        return index >= 0 ? index : storage.firstIndex();
    }

    public long lastIndex() {
        long index = unstable.maybeLastIndex();
        return index >= 0 ? index : storage.lastIndex();
    }

    /** The last index that is durable and still part of this log (later ones await a Ready). */
    public long lastPersistedIndex() {
        if (unstable.snapshot() != null) {
            return 0;
        }
        return Math.min(lastIndex(), unstable.offset() - 1);
    }

    public EntryId lastEntryId() {
        long last = lastIndex();
        return new EntryId(term(last), last);
    }

    /** The term at index; 0 for an index beyond the log or compacted away (never matches a real term). */
    public long termOrZero(long index) {
        if (index < firstIndex() - 1 || index > lastIndex()) {
            return 0;
        }
        return term(index);
    }

    /** The term at index, which must lie in {@code [firstIndex - 1, lastIndex]}. */
    public long term(long index) {
        long term = unstable.maybeTerm(index);
        if (term >= 0) {
            return term;
        }
        if (index < firstIndex() - 1) {
            throw new StorageException.Compacted(index, firstIndex());
        }
        if (index > lastIndex()) {
            throw new StorageException.Unavailable(index, lastIndex());
        }
        return storage.term(index);
    }

    public boolean matchTerm(long index, long term) {
        return termOrZero(index) == term && (term != 0 || index == 0);
    }

    /** §5.4.1: a candidate whose last entry is this up-to-date may have our vote. */
    public boolean isUpToDate(EntryId candidateLast) {
        return candidateLast.isAtLeastAsUpToDateAs(lastEntryId());
    }

    /**
     * A follower's append: if our log holds (prevTerm, prevIndex), appends the new entries, truncating
     * from the first conflict, and commits up to min(commit, last new index). Returns the last index
     * known to match the leader, or -1 if the logs do not match at prevIndex.
     */
    public long maybeAppend(long prevIndex, long prevTerm, long commit, List<Entry> entries) {
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNew = prevIndex + entries.size();
        long conflict = findConflict(entries);
        if (conflict != 0) {
            Invariants.check(conflict > committed, "entry %d conflicts with committed entry (committed=%d)",
                    conflict, committed);
            append(entries.subList((int) (conflict - prevIndex - 1), entries.size()));
        }
        commitTo(Math.min(commit, lastNew));
        return lastNew;
    }

    /** Appends entries (the leader's own, or a follower's after conflict resolution); returns the new last index. */
    public long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.getFirst().index() - 1;
        Invariants.check(after >= committed, "append at %d would overwrite committed %d", after + 1, committed);
        Invariants.check(after <= lastIndex(), "append at %d leaves a gap after %d", after + 1, lastIndex());
        unstable.truncateAndAppend(entries);
        return lastIndex();
    }

    /** The first new entry whose term differs from ours, or 0 if all new entries are already ours. */
    private long findConflict(List<Entry> entries) {
        for (Entry entry : entries) {
            if (!matchTerm(entry.index(), entry.term())) {
                return entry.index();
            }
        }
        return 0;
    }

    /**
     * Fast back-off: the largest index at or below {@code index} whose term is at most {@code term},
     * with its term. Entries above it cannot match a log whose entry at {@code index} has that term.
     */
    public EntryId findConflictByTerm(long index, long term) {
        long probe = Math.min(index, lastIndex());
        while (probe >= firstIndex()) {
            long probeTerm = term(probe);
            if (probeTerm <= term) {
                return new EntryId(probeTerm, probe);
            }
            probe--;
        }
        long boundary = firstIndex() - 1;
        if (probe < boundary) {
            // Below our snapshot we know no terms. Answering the boundary (above index) would make a
            // leader probe where the follower has nothing, costing a round trip before the snapshot.
            return new EntryId(0, probe);
        }
        return new EntryId(termOrZero(boundary), boundary);
    }

    public void commitTo(long index) {
        if (index <= committed) {
            return;
        }
        Invariants.check(index <= lastIndex(), "commit %d beyond last index %d", index, lastIndex());
        committed = index;
    }

    /** Commits index if it lies in {@code term}; the leader passes its own term (§5.4.2). */
    public boolean maybeCommit(long index, long term) {
        if (index > committed && termOrZero(index) == term) {
            commitTo(index);
            return true;
        }
        return false;
    }

    public void appliedTo(long index) {
        Invariants.check(index >= applied && index <= committed,
                "applied %d outside [%d, %d]", index, applied, committed);
        applied = index;
    }

    public boolean hasNextCommittedEntries() {
        return committed > applied && unstable.snapshot() == null;
    }

    /** Entries in (applied, committed], at most about bytesMax of them (one at least). */
    public List<Entry> nextCommittedEntries(long bytesMax) {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        return slice(applied + 1, committed + 1, bytesMax);
    }

    /** Entries from index to the end, at most about bytesMax (one at least). */
    public List<Entry> entriesFrom(long index, long bytesMax) {
        if (index > lastIndex()) {
            return List.of();
        }
        return slice(index, lastIndex() + 1, bytesMax);
    }

    /** Entries in [low, high) across storage and the unstable log, bounded by bytes (one at least). */
    public List<Entry> slice(long low, long high, long bytesMax) {
        if (low < firstIndex()) {
            throw new StorageException.Compacted(low, firstIndex());
        }
        Invariants.check(high <= lastIndex() + 1, "slice end %d beyond last %d", high, lastIndex());
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        long offset = unstable.offset();
        if (low < offset) {
            List<Entry> stored = storage.entries(low, Math.min(high, offset), bytesMax);
            for (Entry entry : stored) {
                bytes += entry.sizeBytes();
            }
            out.addAll(stored);
            if (stored.size() < Math.min(high, offset) - low) {
                return out;
            }
        }
        if (high > offset) {
            for (Entry entry : unstable.slice(Math.max(low, offset), high)) {
                bytes += entry.sizeBytes();
                if (!out.isEmpty() && bytes > bytesMax) {
                    break;
                }
                out.add(entry);
            }
        }
        return out;
    }

    /** Whether entries await persisting; cheaper than copying them out to ask. */
    public boolean hasUnstableEntries() {
        return !unstable.entries().isEmpty();
    }

    public List<Entry> unstableEntries() {
        return List.copyOf(unstable.entries());
    }

    public Snapshot unstableSnapshot() {
        return unstable.snapshot();
    }

    /** The snapshot to send a follower that is behind the first index. */
    public Snapshot snapshot() {
        return unstable.snapshot() != null ? unstable.snapshot() : storage.snapshot();
    }

    public void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    public void stableSnapshotTo(long index) {
        unstable.stableSnapshotTo(index);
    }

    /** Replaces the whole log by a snapshot the leader sent: everything up to it is committed. */
    public void restore(Snapshot snapshot) {
        Invariants.check(snapshot.index() > committed, "restore to %d at or below commit %d", snapshot.index(), committed);
        committed = snapshot.index();
        applied = snapshot.index();
        unstable.restore(snapshot);
    }

    public LogStorage storage() {
        return storage;
    }
}
