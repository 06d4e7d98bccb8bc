package io.raftkv.check;

import java.util.Arrays;

/**
 * Lowe's doubly linked list of call and return entries in real-time order ("Testing for
 * linearizability", 2017, after Wing and Gong). Linearizing an operation lifts its call and
 * return out of the list; backtracking unlifts them back into the same places. A lifted pair is
 * unlifted in the reverse order of lifting (the search is a stack), which is what makes the O(1)
 * relinking below correct: the neighbours recorded in a lifted entry are still adjacent then.
 *
 * <p>Entries are ints: 0 is the head sentinel, operation i has call 1 + 2i and return 2 + 2i, and
 * the last index is the tail sentinel. Not thread-safe; owned by one search.
 */
final class EntryList {
    static final int HEAD = 0;

    private final int tail;
    private final int[] next;
    private final int[] previous;

    EntryList(KeyProblem problem) {
        int operations = problem.size();
        int entries = 2 * operations;
        this.tail = entries + 1;
        this.next = new int[entries + 2];
        this.previous = new int[entries + 2];
        // Sort entries by position; a call and a return never share one (events are distinct), and
        // optional returns all sit at +infinity, where their relative order does not matter.
        long[] keyed = new long[entries];
        for (int operation = 0; operation < operations; operation++) {
            keyed[2 * operation] = ((long) problem.callPosition(operation) << 32) | callOf(operation);
            keyed[2 * operation + 1] = ((long) problem.returnPosition(operation) << 32) | (callOf(operation) + 1);
        }
        Arrays.sort(keyed);
        int last = HEAD;
        for (long key : keyed) {
            int entry = (int) key;
            next[last] = entry;
            previous[entry] = last;
            last = entry;
        }
        next[last] = tail;
        previous[tail] = last;
    }

    static int callOf(int operation) {
        return 1 + 2 * operation;
    }

    static boolean isCall(int entry) {
        return (entry & 1) == 1;
    }

    static int operationOf(int entry) {
        return (entry - 1) >> 1;
    }

    int first() {
        return next[HEAD];
    }

    int next(int entry) {
        return next[entry];
    }

    int tail() {
        return tail;
    }

    /** Removes a call entry and its return from the list. */
    void lift(int call) {
        Invariants.check(isCall(call), "only calls are lifted, got entry %d", call);
        unlink(call);
        unlink(call + 1);
    }

    /** Puts back the most recently lifted call and its return. */
    void unlift(int call) {
        Invariants.check(isCall(call), "only calls are unlifted, got entry %d", call);
        relink(call + 1);
        relink(call);
    }

    private void unlink(int entry) {
        next[previous[entry]] = next[entry];
        previous[next[entry]] = previous[entry];
    }

    private void relink(int entry) {
        next[previous[entry]] = entry;
        previous[next[entry]] = entry;
    }
}
