package io.raftkv.check;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where an event sits in its history: its index in real-time order (the order of the file), its
 * 1-based source line (0 if it did not come from a file) and its optional timestamp. Immutable.
 */
public record Position(int eventIndex, int line, OptionalLong time) {

    public Position {
        Invariants.check(eventIndex >= 0, "eventIndex must be >= 0, got %d", eventIndex);
        Invariants.check(line >= 0, "line must be >= 0, got %d", line);
        Objects.requireNonNull(time, "time");
    }

    /** {@code line 12 (t=123456)}, or {@code event 7} when there is no line number. */
    public String describe() {
        String where = line > 0 ? "line " + line : "event " + (eventIndex + 1);
        return time.isPresent() ? where + " (t=" + time.getAsLong() + ")" : where;
    }
}
