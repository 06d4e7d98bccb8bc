package io.raftkv.raft;

/**
 * The core's only way to log. The server adapts it to SLF4J; tests capture it. Lines are sentences
 * with the subject first and key=value fields, e.g. {@code node=2 became leader term=7}.
 */
public interface RaftLogger {
    void info(String line);

    void warn(String line);

    void debug(String line);

    /** Whether debug lines are kept; callers skip formatting them when not (they are per message). */
    default boolean debugEnabled() {
        return true;
    }

    RaftLogger DISCARD = new RaftLogger() {
        @Override public void info(String line) {}
        @Override public void warn(String line) {}
        @Override public void debug(String line) {}
        @Override public boolean debugEnabled() { return false; }
    };
}
