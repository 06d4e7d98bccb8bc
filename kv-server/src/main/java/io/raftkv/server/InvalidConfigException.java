package io.raftkv.server;

/**
 * A node setting with a bad value. The message names the flag and the value and says what is
 * wrong ("invalid --tick-ms: 0 must be in 1..60000"), fit to show the user as it is.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private final NodeFlag flag;

    /** @param problem what is wrong, after "invalid --flag: " */
    public InvalidConfigException(NodeFlag flag, String problem) {
        this("invalid " + flag.option() + ": " + problem, flag);
    }

    private InvalidConfigException(String message, NodeFlag flag) {
        super(message);
        this.flag = flag;
    }

    /** The same problem, with where the value came from appended: "(from RAFTKV_TICK_MS)". */
    InvalidConfigException fromEnvironment() {
        return new InvalidConfigException(getMessage() + " (from " + flag.env() + ")", flag);
    }

    /** The flag whose value is bad. */
    public NodeFlag flag() {
        return flag;
    }
}
