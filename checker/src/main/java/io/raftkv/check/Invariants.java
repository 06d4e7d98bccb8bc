package io.raftkv.check;

/**
 * Always-on invariant checks. The {@code assert} keyword is off unless the JVM runs with -ea, and a
 * checker that silently computes a wrong verdict is worse than one that crashes, so these throw
 * {@link AssertionError} regardless of JVM flags.
 */
final class Invariants {
    private Invariants() {}

    static void check(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(format, args));
        }
    }
}
