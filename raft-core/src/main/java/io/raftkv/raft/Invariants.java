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
            throw violated(format, args);
        }
    }

    /**
     * The error {@link #check} throws, for hot paths that test the condition themselves: the
     * arguments of check are boxed into an array on every call, even when the condition holds.
     */
    public static AssertionError violated(String format, Object... args) {
        return new AssertionError("invariant violated: " + String.format(format, args));
    }
}
