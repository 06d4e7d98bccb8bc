package io.raftkv.raft.log;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import java.util.List;

/**
 * The durable log as the core reads it. The driver writes it (appending what a Ready hands out,
 * compacting after snapshots); the core only reads. Indexes are 1-based; the log holds entries
 * {@code [firstIndex, lastIndex]}, and the entry just before firstIndex is known only by its term
 * (it is covered by the snapshot).
 */
public interface LogStorage {
    /** The persisted hard state and the membership at the last persisted snapshot or change. */
    HardState hardState();

    /** Membership as of the snapshot this storage starts from; later changes are in the log. */
    ConfState confState();

    /**
     * Entries in {@code [low, high)}, stopping early once {@code bytesMax} is exceeded but always
     * returning at least one entry when the range is non-empty.
     *
     * @throws StorageException.Compacted if {@code low < firstIndex()}
     * @throws StorageException.Unavailable if {@code high > lastIndex() + 1}
     */
    List<Entry> entries(long low, long high, long bytesMax);

    /** The term of the entry at {@code index}, valid for {@code [firstIndex - 1, lastIndex]}. */
    long term(long index);

    long firstIndex();

    long lastIndex();

    /** The newest snapshot; {@link StorageException.SnapshotTemporarilyUnavailable} if being made. */
    Snapshot snapshot();
}
