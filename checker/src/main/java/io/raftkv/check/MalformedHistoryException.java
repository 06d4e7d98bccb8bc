package io.raftkv.check;

/**
 * A history line that cannot be part of a valid history: bad JSON, an unknown type or command, a
 * missing field, a value of the wrong shape, or an invoke/completion that does not pair up. The
 * message starts with the line number so a person can go straight to it.
 */
public final class MalformedHistoryException extends IllegalArgumentException {
    private final int line;

    public MalformedHistoryException(int line, String reason) {
        super((line > 0 ? "line " + line + ": " : "") + reason);
        this.line = line;
    }

    /** The 1-based line number of the offending event, or 0 if it did not come from a file. */
    public int line() {
        return line;
    }
}
