package io.raftkv.check;

/** Text that is not the JSON {@link JsonParser} accepts; {@code column} is 1-based. */
final class JsonSyntaxException extends Exception {
    private final int column;

    JsonSyntaxException(String message, int column) {
        super(message);
        this.column = column;
    }

    int column() {
        return column;
    }
}
