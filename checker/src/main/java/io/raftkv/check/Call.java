package io.raftkv.check;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operation asked for, with its arguments: a read (and, once it completed ok, the value it
 * saw), a write, or a compare-and-set. Immutable.
 */
public sealed interface Call permits Call.Read, Call.Write, Call.Cas {

    /**
     * A read. {@code observed} is empty on the invoke and for reads whose outcome is unknown;
     * {@link Value#NIL} means the key was missing.
     */
    record Read(Optional<Value> observed) implements Call {
        public Read {
            Objects.requireNonNull(observed, "observed");
        }
    }

    /** A write of {@code value}; writing {@link Value#NIL} makes the key missing again. */
    record Write(Value value) implements Call {
        public Write {
            Objects.requireNonNull(value, "value");
        }
    }

    /** Sets the key to {@code replacement} if and only if it currently holds {@code expected}. */
    record Cas(Value expected, Value replacement) implements Call {
        public Cas {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(replacement, "replacement");
        }
    }

    /** A read whose result is not known (yet): use it for the invoke event. */
    static Read read() {
        return new Read(Optional.empty());
    }

    /** A read that saw {@code observed} (a String, an integer, a {@link Value} or null for missing). */
    static Read read(Object observed) {
        return new Read(Optional.of(Value.of(observed)));
    }

    static Write write(Object value) {
        return new Write(Value.of(value));
    }

    static Cas cas(Object expected, Object replacement) {
        return new Cas(Value.of(expected), Value.of(replacement));
    }

    default Command command() {
        return switch (this) {
            case Read read -> Command.READ;
            case Write write -> Command.WRITE;
            case Cas cas -> Command.CAS;
        };
    }

    /** The {@code value} field of a history line for this call: empty, one value, or [expected, new]. */
    default List<Value> jsonValue() {
        return switch (this) {
            case Read read -> read.observed().map(List::of).orElse(List.of());
            case Write write -> List.of(write.value());
            case Cas cas -> List.of(cas.expected(), cas.replacement());
        };
    }

    /** A short human form: {@code read -> 3}, {@code read}, {@code write 3}, {@code cas 1 -> 2}. */
    default String describe() {
        return switch (this) {
            case Read read -> read.observed().map(value -> "read -> " + value).orElse("read");
            case Write write -> "write " + write.value();
            case Cas cas -> "cas " + cas.expected() + " -> " + cas.replacement();
        };
    }
}
