package io.raftkv.check;

/**
 * The memo of Lowe's algorithm: every (linearized set, model state) pair the search has reached.
 * Reaching a pair again leads to the same sub-search, so it is cut off. Open addressing with
 * linear probing over parallel arrays, because a boxed HashSet costs several objects per entry and
 * this table is what bounds the search's memory.
 *
 * <p>Bounded: {@link #isFull()} turns true, and the table stops growing, once its estimated size
 * would pass {@code bytesMax}; the search then gives up with an Unknown verdict. Not thread-safe;
 * owned by one search.
 */
final class MemoTable {
    private static final int CAPACITY_INITIAL = 1 << 12;
    /** Array header plus reference, for each stored bitset. */
    private static final int ARRAY_OVERHEAD_BYTES = 16 + 8;
    /** hash (8) + reference (8) + state (4) per slot. */
    private static final int SLOT_BYTES = 20;

    private final long bytesMax;
    private final long entryBytes;
    private long[] hashes;
    private long[][] sets;
    private int[] states;
    private int size;
    private boolean full;

    MemoTable(int wordCount, long bytesMax) {
        this.bytesMax = bytesMax;
        this.entryBytes = ARRAY_OVERHEAD_BYTES + 8L * wordCount;
        allocate(CAPACITY_INITIAL);
    }

    /** Adds the pair and returns true, or returns false if it was already present. */
    boolean add(LinearizedSet set, int state) {
        Invariants.check(!full, "the memo is full; the search must stop before adding more");
        long hash = slotHash(set.hash(), state);
        int mask = hashes.length - 1;
        int slot = (int) hash & mask;
        while (hashes[slot] != 0) {
            if (hashes[slot] == hash && states[slot] == state && set.sameWords(sets[slot])) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        hashes[slot] = hash;
        sets[slot] = set.copyWords();
        states[slot] = state;
        size++;
        if (estimatedBytes() > bytesMax) {
            full = true;
        }
        if (size * 2L > hashes.length) {
            grow();
        }
        return true;
    }

    boolean isFull() {
        return full;
    }

    int size() {
        return size;
    }

    long estimatedBytes() {
        return (long) hashes.length * SLOT_BYTES + size * entryBytes;
    }

    /** Keeps the load factor at or below 1/2, unless growing would pass the budget. */
    private void grow() {
        long capacity = 2L * hashes.length;
        if (capacity > (1 << 30) || capacity * SLOT_BYTES + size * entryBytes > bytesMax) {
            // The table is just over half full, so probing still terminates; the search sees
            // isFull() right after this add and stops.
            full = true;
            return;
        }
        long[] oldHashes = hashes;
        long[][] oldSets = sets;
        int[] oldStates = states;
        allocate((int) capacity);
        int mask = hashes.length - 1;
        for (int i = 0; i < oldHashes.length; i++) {
            if (oldHashes[i] != 0) {
                int slot = (int) oldHashes[i] & mask;
                while (hashes[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                hashes[slot] = oldHashes[i];
                sets[slot] = oldSets[i];
                states[slot] = oldStates[i];
            }
        }
    }

    private void allocate(int capacity) {
        hashes = new long[capacity];
        sets = new long[capacity][];
        states = new int[capacity];
    }

    /** Mixes set hash and state (murmur3's finalizer); never 0, which marks an empty slot. */
    private static long slotHash(long setHash, int state) {
        long h = setHash ^ (state * 0x9E3779B97F4A7C15L);
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
