package io.raftkv.raft.sim;

import java.io.PrintStream;
import java.util.ArrayDeque;

/**
 * The readable event trace of one seed: faults, role changes, proposals, completions. Off by default
 * (batch runs build no strings); when on, each line is stamped with the virtual time, folded into a
 * hash (the same seed must give the same hash) and either printed or kept in a bounded tail.
 * Not thread-safe; one per seed.
 */
final class Trace {
    /** Lines kept for a report when not printing. */
    static final int TAIL_LINES_MAX = 400;

    private final boolean enabled;
    private final PrintStream out;
    private final ArrayDeque<String> tail = new ArrayDeque<>();
    private long hash = 0xcbf29ce484222325L;
    private long lines;
    private long now;

    private Trace(boolean enabled, PrintStream out) {
        this.enabled = enabled;
        this.out = out;
    }

    static Trace off() {
        return new Trace(false, null);
    }

    /** Keeps the hash and the last {@link #TAIL_LINES_MAX} lines. */
    static Trace kept() {
        return new Trace(true, null);
    }

    static Trace printing(PrintStream out) {
        return new Trace(true, out);
    }

    /** Callers test this before building a line, so a batch run pays nothing for the trace. */
    boolean on() {
        return enabled;
    }

    void setTime(long tick) {
        now = tick;
    }

    void add(String event) {
        if (!enabled) {
            return;
        }
        String line = String.format("t=%5d %s", now, event);
        hash = (hash ^ line.hashCode()) * 0x100000001b3L;
        lines++;
        if (out != null) {
            out.println(line);
        } else {
            if (tail.size() == TAIL_LINES_MAX) {
                tail.removeFirst();
            }
            tail.addLast(line);
        }
    }

    long hash() {
        return hash;
    }

    long lines() {
        return lines;
    }

    String tail() {
        return String.join("\n", tail);
    }
}
