package io.raftkv.client;

/**
 * Always-on assertions for the client's own bookkeeping. The {@code assert} keyword is off
 * without {@code -ea}; a session slot handed to two writes at once would break exactly-once
 * silently, so a broken invariant throws whatever the JVM flags. Stateless.
 */
final class Invariants {
  private Invariants() {}

  /** Throws {@link AssertionError} with the formatted message when {@code condition} is false. */
  static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new AssertionError("invariant violated: " + String.format(format, args));
    }
  }
}
