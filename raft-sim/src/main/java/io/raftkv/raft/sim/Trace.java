package io.raftkv.raft.sim;

import java.io.PrintStream;

/**
 * The readable event trace of one seed: faults, role changes, proposals, completions. Off by default
 * (batch runs build no strings); when on, each line is stamped with the virtual time, folded into a
 * hash (the same seed must give the same hash) and printed, or only hashed.
 * Not thread-safe; one per seed (a disabled trace holds no state and may be shared).
 */
final class Trace {
    private final boolean enabled;
    private final PrintStream out;
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

    /** Builds and hashes every line without printing it (tests of determinism). */
    static Trace hashed() {
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
        if (enabled) {
            now = tick;
        }
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
        }
    }

    long hash() {
        return hash;
    }

    long lines() {
        return lines;
    }
}
