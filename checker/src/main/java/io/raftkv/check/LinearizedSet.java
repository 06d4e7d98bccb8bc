package io.raftkv.check;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The set of operations linearized so far, as a long[] bitset, with a Zobrist hash kept up to
 * date in O(1) per change: each operation has a random 64-bit key and the hash is the XOR of the
 * keys of its members. The memo then hashes a set without reading all its words. Not
 * thread-safe; owned by one search.
 */
final class LinearizedSet {
    /** Fixed so that runs, and therefore memo sizes and timings, are reproducible. */
    private static final long ZOBRIST_SEED = 0x5EED_1A7E_CAFE_F00DL;

    private final long[] words;
    private final long[] zobrist;
    private long hash;

    LinearizedSet(int operations) {
        this.words = new long[Math.max(1, (operations + 63) >>> 6)];
        this.zobrist = new long[operations];
        SplittableRandom random = new SplittableRandom(ZOBRIST_SEED);
        for (int i = 0; i < operations; i++) {
            zobrist[i] = random.nextLong();
        }
    }

    void add(int operation) {
        Invariants.check(!contains(operation), "operation %d is already linearized", operation);
        words[operation >>> 6] |= 1L << operation;
        hash ^= zobrist[operation];
    }

    void remove(int operation) {
        Invariants.check(contains(operation), "operation %d is not linearized", operation);
        words[operation >>> 6] &= ~(1L << operation);
        hash ^= zobrist[operation];
    }

    boolean contains(int operation) {
        return (words[operation >>> 6] & (1L << operation)) != 0;
    }

    long hash() {
        return hash;
    }

    int wordCount() {
        return words.length;
    }

    boolean sameWords(long[] other) {
        return Arrays.equals(words, other);
    }

    long[] copyWords() {
        return words.clone();
    }
}
