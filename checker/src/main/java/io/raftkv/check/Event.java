package io.raftkv.check;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One line of a history: a process invoked or completed an operation on a key.
 *
 * <p>{@code value} mirrors the JSON {@code value} field: empty when absent, one element for a
 * write's value or a read's result (JSON null is {@link Value#NIL}), two for a cas's
 * [expected, new]. Whether that shape fits the command is checked when events are paired into a
 * {@link History}, where the line number can be reported. {@code line} is the 1-based line in the
 * source file, or 0 for events that did not come from a file. Immutable.
 */
public record Event(int process, EventType type, Command command, String key, List<Value> value,
                    OptionalLong time, int line) {

    public Event {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(time, "time");
        value = List.copyOf(value);
        Invariants.check(line >= 0, "line must be >= 0, got %d", line);
    }

    /** An event built from a typed call, as {@link HistoryWriter} records it. */
    public static Event of(int process, EventType type, String key, Call call, OptionalLong time) {
        return new Event(process, type, call.command(), key, call.jsonValue(), time, 0);
    }

    /** This event as one JSON line (without the newline), in the format {@link HistoryReader} reads. */
    public String toJson() {
        StringBuilder out = new StringBuilder(96);
        out.append("{\"process\":").append(process)
                .append(",\"type\":\"").append(type.jsonName())
                .append("\",\"f\":\"").append(command.jsonName())
                .append("\",\"key\":").append(JsonText.quote(key));
        if (command == Command.CAS && value.size() == 2) {
            out.append(",\"value\":[").append(value.get(0).toJson()).append(',')
                    .append(value.get(1).toJson()).append(']');
        } else if (value.size() == 1) {
            out.append(",\"value\":").append(value.get(0).toJson());
        } else if (!value.isEmpty()) {
            throw new IllegalStateException("a " + command.jsonName() + " event cannot carry "
                    + value.size() + " values: " + value);
        }
        time.ifPresent(nanos -> out.append(",\"time\":").append(nanos));
        return out.append('}').toString();
    }
}
