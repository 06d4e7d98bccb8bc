package io.raftkv.raft;

/**
 * Always-on assertions. The {@code assert} keyword is off without {@code -ea}; a broken Raft
 * invariant must stop the node whatever the JVM flags, because state that breaks one can no
 * longer be trusted.
 */
public final class Invariants {
    private Invariants() {}

    /** Throws {@link AssertionError} with the formatted message when {@code condition} is false. */
    public static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError("invariant violated: " + String.format(format, args));
        }
    }
}
