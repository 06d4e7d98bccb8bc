package io.raftkv.raft.log;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Invariants;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;

/**
 * The parts of the {@link LogStorage} contract that every store answers the same way, whatever
 * holds its entries: which indexes are compacted or unavailable, and how a read is cut at its byte
 * limit. A store describes its log by the entry just before its first index (the boundary: the
 * snapshot's, or a compaction's) and its last index.
 */
public final class StoredLog {
    private StoredLog() {}

    /**
     * Entries [low, high), taken one by one from {@code entryAt}: at least one, and none past the one
     * that brings their sizes over {@code bytesMax}.
     *
     * @throws StorageException.Compacted if low lies at or below the boundary
     * @throws StorageException.Unavailable if high - 1 lies beyond the last index
     */
    public static List<Entry> entries(long low, long high, long bytesMax, long boundaryIndex, long lastIndex,
                                      LongFunction<Entry> entryAt) {
        Invariants.check(low <= high, "entries range inverted: [%d, %d)", low, high);
        if (low <= boundaryIndex) {
            throw new StorageException.Compacted(low, boundaryIndex + 1);
        }
        if (high > lastIndex + 1) {
            throw new StorageException.Unavailable(high - 1, lastIndex);
        }
        List<Entry> out = new ArrayList<>();
        long bytes = 0;
        for (long index = low; index < high; index++) {
            Entry entry = entryAt.apply(index);
            bytes += entry.sizeBytes();
            if (!out.isEmpty() && bytes > bytesMax) {
                break;
            }
            out.add(entry);
        }
        return out;
    }

    /**
     * The term of the entry at index: the boundary's own, or {@code termAt}'s for an entry after it.
     *
     * @throws StorageException.Compacted if index lies below the boundary
     * @throws StorageException.Unavailable if index lies beyond the last index
     */
    public static long term(long index, long boundaryIndex, long boundaryTerm, long lastIndex, LongUnaryOperator termAt) {
        if (index == boundaryIndex) {
            return boundaryTerm;
        }
        if (index < boundaryIndex) {
            throw new StorageException.Compacted(index, boundaryIndex + 1);
        }
        if (index > lastIndex) {
            throw new StorageException.Unavailable(index, lastIndex);
        }
        return termAt.applyAsLong(index);
    }
}
