package io.raftkv.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * One log entry. The data array is shared, not copied, on the hot path: callers must not mutate
 * it after handing it to the core. Equality compares the data by content.
 */
public record Entry(long index, long term, EntryType type, byte[] data) {
    /** Bytes of bookkeeping counted per entry on top of its data, for size limits. */
    public static final int OVERHEAD_BYTES = 24;

    public Entry {
        Invariants.check(index > 0, "entry index must be positive, got %d", index);
        Invariants.check(term > 0, "entry term must be positive, got %d", term);
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }

    public static Entry normal(long index, long term, byte[] data) {
        return new Entry(index, term, EntryType.NORMAL, data);
    }

    /** The size this entry counts for against message, inflight and uncommitted limits. */
    public long sizeBytes() {
        return data.length + OVERHEAD_BYTES;
    }

    public EntryId id() {
        return new EntryId(term, index);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Entry e
                && e.index == index && e.term == term && e.type == type && Arrays.equals(e.data, data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(index, term, type) * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return term + "/" + index + (type == EntryType.CONF_CHANGE ? " conf" : "") + " " + data.length + "B";
    }
}
