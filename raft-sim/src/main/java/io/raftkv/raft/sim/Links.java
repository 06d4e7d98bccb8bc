package io.raftkv.raft.sim;

import io.raftkv.raft.Invariants;
import java.util.Arrays;

/**
 * Which directed links are cut: a symmetric partition cuts both directions, a one-way partition
 * one. Node ids are small (at most {@link #NODE_ID_MAX}). Not thread-safe; one per seed.
 */
final class Links {
    static final int NODE_ID_MAX = 15;

    private final boolean[][] cut = new boolean[NODE_ID_MAX + 1][NODE_ID_MAX + 1];
    private boolean anyCut;

    boolean isCut(long from, long to) {
        return anyCut && cut[(int) from][(int) to];
    }

    boolean anyCut() {
        return anyCut;
    }

    void cut(long from, long to) {
        Invariants.check(from > 0 && from <= NODE_ID_MAX && to > 0 && to <= NODE_ID_MAX, "link %d->%d out of range", from, to);
        cut[(int) from][(int) to] = true;
        anyCut = true;
    }

    void cutBoth(long a, long b) {
        cut(a, b);
        cut(b, a);
    }

    void healAll() {
        for (boolean[] row : cut) {
            Arrays.fill(row, false);
        }
        anyCut = false;
    }
}
