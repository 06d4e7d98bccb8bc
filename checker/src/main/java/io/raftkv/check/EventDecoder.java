package io.raftkv.check;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Turns one JSON history line into an {@link Event}, checking field types. Fields other than
 * process, type, f, key, value and time are ignored, so recorders may add their own. Whether the
 * value's shape fits the event (a write needs one, a read's ok needs one) is checked later by
 * {@link HistoryBuilder}, which sees the pairing. Stateless.
 */
final class EventDecoder {
    private EventDecoder() {}

    static Event decode(String text, int line) {
        Object parsed;
        try {
            parsed = JsonParser.parse(text);
        } catch (JsonSyntaxException e) {
            throw new MalformedHistoryException(line, "bad JSON at column " + e.column() + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> fields)) {
            throw new MalformedHistoryException(line, "expected a JSON object, one event per line");
        }
        int process = process(fields, line);
        String typeName = requiredString(fields, "type", line);
        EventType type = EventType.fromJson(typeName).orElseThrow(() -> new MalformedHistoryException(line,
                "unknown type " + JsonText.quote(typeName) + " (expected invoke, ok, fail or info)"));
        String commandName = requiredString(fields, "f", line);
        Command command = Command.fromJson(commandName).orElseThrow(() -> new MalformedHistoryException(line,
                "unknown f " + JsonText.quote(commandName) + " (expected read, write or cas)"));
        String key = requiredString(fields, "key", line);
        List<Value> value = value(fields, command, type, line);
        return new Event(process, type, command, key, value, time(fields, line), line);
    }

    private static int process(Map<?, ?> fields, int line) {
        Object process = fields.get("process");
        if (process == null) {
            throw new MalformedHistoryException(line, "missing \"process\" (an integer)");
        }
        if (!(process instanceof Long number) || number < Integer.MIN_VALUE || number > Integer.MAX_VALUE) {
            throw new MalformedHistoryException(line, "\"process\" must be a 32-bit integer, got " + process);
        }
        return (int) (long) number;
    }

    private static String requiredString(Map<?, ?> fields, String name, int line) {
        Object value = fields.get(name);
        if (value == null) {
            throw new MalformedHistoryException(line, "missing \"" + name + "\"");
        }
        if (!(value instanceof String text)) {
            throw new MalformedHistoryException(line, "\"" + name + "\" must be a string, got " + value);
        }
        return text;
    }

    /**
     * Absent gives an empty list, null or a scalar one value, and a cas's array its two values. A
     * read's invoke carries no value by definition, so whatever it holds is ignored.
     */
    private static List<Value> value(Map<?, ?> fields, Command command, EventType type, int line) {
        if (!fields.containsKey("value") || (command == Command.READ && type == EventType.INVOKE)) {
            return List.of();
        }
        Object value = fields.get("value");
        if (command != Command.CAS) {
            return List.of(scalar(value, line));
        }
        if (!(value instanceof List<?> pair) || pair.size() != 2) {
            throw new MalformedHistoryException(line,
                    "a cas value must be a 2-element array [expected, new], got " + describe(value));
        }
        List<Value> values = new ArrayList<>(2);
        for (Object element : pair) {
            values.add(scalar(element, line));
        }
        return values;
    }

    private static Value scalar(Object value, int line) {
        return switch (value) {
            case null -> Value.NIL;
            case Long number -> new Value.Int(number);
            case String text -> new Value.Str(text);
            default -> throw new MalformedHistoryException(line,
                    "a value must be a string, an integer (64-bit) or null, got " + describe(value));
        };
    }

    private static OptionalLong time(Map<?, ?> fields, int line) {
        Object time = fields.get("time");
        if (time == null) {
            return OptionalLong.empty();
        }
        if (!(time instanceof Long nanos)) {
            throw new MalformedHistoryException(line, "\"time\" must be a 64-bit integer, got " + describe(time));
        }
        return OptionalLong.of(nanos);
    }

    private static String describe(Object value) {
        return switch (value) {
            case null -> "null";
            case String text -> JsonText.quote(text);
            case List<?> list -> "an array of " + list.size();
            case Map<?, ?> map -> "an object";
            case BigDecimal number -> number.toPlainString().length() > 40 ? "a number out of range" : number.toString();
            default -> value.toString();
        };
    }
}
