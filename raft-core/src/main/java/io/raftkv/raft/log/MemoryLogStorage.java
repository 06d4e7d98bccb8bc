package io.raftkv.raft.log;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory {@link LogStorage} for tests and the simulator. The simulator treats it as the
 * node's disk: whatever is in it survives a crash. Not thread-safe.
 */
public final class MemoryLogStorage implements LogStorage {
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    /** entries.get(i) has index snapshot.index() + 1 + i. */
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** A storage holding a bootstrap snapshot at index 1, term 1 with this membership. */
    public static MemoryLogStorage bootstrap(ConfState confState, byte[] data) {
        MemoryLogStorage storage = new MemoryLogStorage();
        storage.applySnapshot(new Snapshot(new SnapshotMetadata(1, 1, confState), data));
        storage.setHardState(new HardState(1, 0, 1));
        return storage;
    }

    @Override
    public HardState hardState() {
        return hardState;
    }

    @Override
    public ConfState confState() {
        return snapshot.metadata().confState();
    }

    @Override
    public List<Entry> entries(long low, long high, long bytesMax) {
        return StoredLog.entries(low, high, bytesMax, snapshot.index(), lastIndex(), index -> entries.get(offsetOf(index)));
    }

    @Override
    public long term(long index) {
        return StoredLog.term(index, snapshot.index(), snapshot.term(), lastIndex(), at -> entries.get(offsetOf(at)).term());
    }

    @Override
    public long firstIndex() {
        return snapshot.index() + 1;
    }

    @Override
    public long lastIndex() {
        return snapshot.index() + entries.size();
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    public void setHardState(HardState hardState) {
        this.hardState = hardState;
    }

    /**
     * Appends entries, first truncating any existing entries at or after the first new index: the
     * leader's log wins on conflict. Entries before the snapshot are ignored.
     */
    public void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.getFirst().index();
        Invariants.check(first <= lastIndex() + 1, "append leaves a gap: first=%d last=%d", first, lastIndex());
        int skip = (int) Math.max(0, firstIndex() - first);
        if (skip >= newEntries.size()) {
            return;
        }
        long start = first + skip;
        int keep = offsetOf(start);
        while (entries.size() > keep) {
            entries.removeLast();
        }
        entries.addAll(newEntries.subList(skip, newEntries.size()));
    }

    /** Replaces the log by a snapshot: everything at or before its index is dropped. */
    public void applySnapshot(Snapshot newSnapshot) {
        Invariants.check(newSnapshot.index() >= snapshot.index(),
                "snapshot goes backwards: %d < %d", newSnapshot.index(), snapshot.index());
        if (newSnapshot.index() <= lastIndex() && newSnapshot.index() > snapshot.index()
                && term(newSnapshot.index()) == newSnapshot.term()) {
            // The log agrees up to the snapshot: keep the entries after it.
            List<Entry> rest = new ArrayList<>(entries.subList(offsetOf(newSnapshot.index()) + 1, entries.size()));
            entries.clear();
            entries.addAll(rest);
        } else {
            entries.clear();
        }
        snapshot = newSnapshot;
    }

    /**
     * Records a snapshot of the state machine at {@code index} (which must be applied) and drops the
     * log up to it.
     */
    public void createSnapshot(long index, ConfState confState, byte[] data) {
        Invariants.check(index > snapshot.index() && index <= lastIndex(),
                "snapshot index %d outside (%d, %d]", index, snapshot.index(), lastIndex());
        applySnapshot(new Snapshot(new SnapshotMetadata(index, term(index), confState), data));
    }

    private int offsetOf(long index) {
        return (int) (index - snapshot.index() - 1);
    }
}
