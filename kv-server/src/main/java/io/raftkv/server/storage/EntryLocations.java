package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import java.util.Arrays;

/**
 * Where each entry of the log lies in the WAL (segment sequence number and offset) and its term, so
 * {@code term(i)} is answered from memory and an entry below the tail cache is one positional read.
 * Sixteen bytes an entry: a log compacted every 100,000 entries holds a few megabytes. The entries
 * are contiguous, from {@link #first} to {@link #last}; when empty, {@link #nextIndex} says where the
 * next one belongs. Not thread-safe; owned by its {@link WalLogStore}.
 */
final class EntryLocations {
    private static final int INITIAL_SLOTS = 1024;

    private long[] terms = new long[INITIAL_SLOTS];
    private long[] places = new long[INITIAL_SLOTS];
    /** Slot of the first entry; slots [head, head + size) are in use. */
    private int head;
    private int size;
    private long firstIndex;

    EntryLocations(long nextIndex) {
        this.firstIndex = nextIndex;
    }

    static long place(long seq, int offset) {
        Invariants.check(seq >= 0 && seq < (1L << 31) && offset >= 0, "WAL place out of range: seq=%d offset=%d", seq, offset);
        return (seq << 32) | offset;
    }

    static long seqOf(long place) {
        return place >>> 32;
    }

    static int offsetOf(long place) {
        return (int) place;
    }

    boolean isEmpty() {
        return size == 0;
    }

    long first() {
        return firstIndex;
    }

    /** The last entry's index; firstIndex - 1 when empty. */
    long last() {
        return firstIndex + size - 1;
    }

    long nextIndex() {
        return firstIndex + size;
    }

    boolean holds(long index) {
        return index >= firstIndex && index <= last();
    }

    long term(long index) {
        return terms[slot(index)];
    }

    long place(long index) {
        return places[slot(index)];
    }

    /** Appends the entry at {@link #nextIndex}. */
    void append(long index, long term, long place) {
        Invariants.check(index == nextIndex(), "entry %d appended where %d belongs", index, nextIndex());
        if (head + size == terms.length) {
            makeRoom();
        }
        terms[head + size] = term;
        places[head + size] = place;
        size++;
    }

    /** Drops the entries at or after index; the next append goes at index. */
    void truncateFrom(long index) {
        Invariants.check(index >= firstIndex && index <= nextIndex(), "truncate at %d outside [%d, %d]",
                index, firstIndex, nextIndex());
        size = (int) (index - firstIndex);
    }

    /** Drops the entries at or before index. */
    void dropThrough(long index) {
        if (index < firstIndex) {
            return;
        }
        if (index >= last()) {
            reset(Math.max(index + 1, nextIndex()));
            return;
        }
        int dropped = (int) (index - firstIndex + 1);
        head += dropped;
        size -= dropped;
        firstIndex = index + 1;
    }

    /** Forgets every entry; the next append goes at nextIndex. */
    void reset(long nextIndex) {
        head = 0;
        size = 0;
        firstIndex = nextIndex;
    }

    private int slot(long index) {
        Invariants.check(holds(index), "entry %d is not in the log [%d, %d]", index, firstIndex, last());
        return head + (int) (index - firstIndex);
    }

    /** Slides the live slots to the front, growing the arrays when they are more than half full. */
    private void makeRoom() {
        int capacity = size * 2 > terms.length ? terms.length * 2 : terms.length;
        long[] newTerms = capacity == terms.length ? terms : Arrays.copyOf(terms, capacity);
        long[] newPlaces = capacity == places.length ? places : Arrays.copyOf(places, capacity);
        System.arraycopy(terms, head, newTerms, 0, size);
        System.arraycopy(places, head, newPlaces, 0, size);
        terms = newTerms;
        places = newPlaces;
        head = 0;
    }
}
