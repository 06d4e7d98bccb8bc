package io.raftkv.server.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Invariants;
import java.util.ArrayList;
import java.util.List;

/**
 * The newest entries of the log, kept in memory because the leader sends what it has just appended
 * and a follower's next read is usually just behind the tail. Bounded by bytes (the oldest entries
 * are evicted first). Invariant: the cached entries are contiguous, and when the cache is not empty
 * its last index is the log's last index (the owner truncates and appends it together with the
 * log). Not thread-safe; guarded by its {@link WalLogStore}.
 */
final class TailCache {
    private final long bytesMax;
    /** entries.get(head) is the oldest cached entry; slots before head are evicted. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private int head;
    private long bytes;

    TailCache(long bytesMax) {
        Invariants.check(bytesMax >= 0, "tail cache bytes must be >= 0, got %d", bytesMax);
        this.bytesMax = bytesMax;
    }

    boolean isEmpty() {
        return head == entries.size();
    }

    long firstIndex() {
        Invariants.check(!isEmpty(), "first index of an empty tail cache");
        return entries.get(head).index();
    }

    long lastIndex() {
        Invariants.check(!isEmpty(), "last index of an empty tail cache");
        return entries.getLast().index();
    }

    long bytes() {
        return bytes;
    }

    /** The cached entry at index, or null. */
    Entry get(long index) {
        if (isEmpty() || index < firstIndex() || index > lastIndex()) {
            return null;
        }
        Entry entry = entries.get(head + (int) (index - firstIndex()));
        Invariants.check(entry.index() == index, "tail cache holds %d where %d belongs", entry.index(), index);
        return entry;
    }

    /** Appends entries that follow (or overwrite the tail of) the cached ones, then evicts. */
    void append(List<Entry> newEntries) {
        if (newEntries.isEmpty()) {
            return;
        }
        long first = newEntries.getFirst().index();
        if (!isEmpty() && (first > lastIndex() + 1 || first < firstIndex())) {
            // Not adjacent to what we hold: start over rather than keep a hole.
            clear();
        }
        truncateFrom(first);
        for (Entry entry : newEntries) {
            Invariants.check(isEmpty() || entry.index() == lastIndex() + 1,
                    "tail cache append not contiguous: %d after %d", entry.index(), isEmpty() ? 0 : lastIndex());
            entries.add(entry);
            bytes += entry.sizeBytes();
        }
        evict();
    }

    /** Drops cached entries at or after index (the log was truncated there). */
    void truncateFrom(long index) {
        while (!isEmpty() && lastIndex() >= index) {
            bytes -= entries.removeLast().sizeBytes();
        }
        compactIfSparse();
    }

    /** Drops cached entries at or before index (the log was compacted up to it). */
    void dropThrough(long index) {
        while (!isEmpty() && firstIndex() <= index) {
            dropHead();
        }
        compactIfSparse();
    }

    void clear() {
        entries.clear();
        head = 0;
        bytes = 0;
    }

    private void evict() {
        while (!isEmpty() && bytes > bytesMax) {
            dropHead();
        }
        compactIfSparse();
    }

    private void dropHead() {
        bytes -= entries.get(head).sizeBytes();
        entries.set(head, null);
        head++;
    }

    /** Reclaims the evicted slots once they are half the list, so eviction stays O(1) amortised. */
    private void compactIfSparse() {
        if (isEmpty()) {
            clear();
        } else if (head > 1024 && head * 2 > entries.size()) {
            entries.subList(0, head).clear();
            head = 0;
        }
    }
}
