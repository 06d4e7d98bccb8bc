package io.raftkv.check;

import java.util.Objects;

/**
 * A register value as it appears in a history: a JSON integer, a JSON string, or null (the key is
 * missing). Values compare exactly as given, so the string "1" is not the integer 1: a store that
 * turns one into the other has a bug the checker should report, not paper over. Immutable.
 */
public sealed interface Value permits Value.Int, Value.Str, Value.Nil {

    /** The value of a key that was never written (JSON null). */
    Nil NIL = new Nil();

    /** A JSON integer. */
    record Int(long value) implements Value {
        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** A JSON string. */
    record Str(String value) implements Value {
        public Str {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return JsonText.quote(value);
        }
    }

    /** JSON null: the key is missing. */
    record Nil() implements Value {
        @Override
        public String toString() {
            return "null";
        }
    }

    /**
     * Converts a Java object: null to {@link #NIL}, Long/Integer/Short/Byte to {@link Int}, String
     * to {@link Str}, a Value to itself. Anything else is a programming error in the caller.
     */
    static Value of(Object object) {
        return switch (object) {
            case null -> NIL;
            case Value value -> value;
            case Long number -> new Int(number);
            case Integer number -> new Int(number);
            case Short number -> new Int(number);
            case Byte number -> new Int(number);
            case String text -> new Str(text);
            default -> throw new IllegalArgumentException(
                    "a value must be a String, an integer or null, not " + object.getClass().getName());
        };
    }

    /** This value as JSON text. */
    default String toJson() {
        return toString();
    }
}
