package io.raftkv.raft.tracker;

import io.raftkv.raft.Invariants;

/**
 * The appends sent to one follower and not yet acknowledged, as (last index, bytes) pairs in a
 * ring buffer capped by count and by bytes. Adding to a full window is a programming error.
 * Not thread-safe; owned by the raft loop.
 */
public final class Inflights {
    private final int capacity;
    private final long bytesMax;
    private final long[] lastIndexes;
    private final long[] sizes;
    private int start;
    private int count;
    private long bytes;

    public Inflights(int capacity, long bytesMax) {
        Invariants.check(capacity > 0 && bytesMax > 0, "inflights needs positive limits: %d, %d", capacity, bytesMax);
        this.capacity = capacity;
        this.bytesMax = bytesMax;
        this.lastIndexes = new long[capacity];
        this.sizes = new long[capacity];
    }

    /** Records an append whose last entry is {@code lastIndex}; indexes must increase. */
    public void add(long lastIndex, long sizeBytes) {
        Invariants.check(!full(), "inflights full: count=%d bytes=%d", count, bytes);
        if (count > 0) {
            long previous = lastIndexes[(start + count - 1) % capacity];
            Invariants.check(lastIndex > previous, "inflight indexes must increase: %d after %d", lastIndex, previous);
        }
        int slot = (start + count) % capacity;
        lastIndexes[slot] = lastIndex;
        sizes[slot] = sizeBytes;
        count++;
        bytes += sizeBytes;
    }

    /** Frees every append whose last index is at or below {@code index}: the follower has them. */
    public void freeLe(long index) {
        while (count > 0 && lastIndexes[start] <= index) {
            bytes -= sizes[start];
            start = (start + 1) % capacity;
            count--;
        }
        if (count == 0) {
            start = 0;
        }
        Invariants.check(bytes >= 0, "inflight bytes went negative: %d", bytes);
    }

    /** Frees the oldest append, if any, whether or not it was acknowledged. */
    public void freeFirstOne() {
        if (count > 0) {
            freeLe(lastIndexes[start]);
        }
    }

    public boolean full() {
        return count == capacity || bytes >= bytesMax;
    }

    public int count() {
        return count;
    }

    public long bytes() {
        return bytes;
    }

    public void reset() {
        start = 0;
        count = 0;
        bytes = 0;
    }
}
