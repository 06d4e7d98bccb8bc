package io.raftkv.raft.sim;

import io.raftkv.check.Call;
import io.raftkv.check.Event;
import io.raftkv.check.EventType;
import io.raftkv.check.History;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The client history of one seed in the checker's model, in real-time (virtual tick) order. The
 * JSON-lines form ({@link #jsonLines()}) is what {@code bin/raftkv-check} reads. Bounded by
 * {@link #EVENTS_MAX}. Not thread-safe; one per seed.
 */
final class HistoryLog {
    static final int EVENTS_MAX = 1_000_000;

    private final ArrayList<Event> events = new ArrayList<>();
    private final String[] keyNames;

    HistoryLog(int keys) {
        keyNames = new String[keys];
        for (int i = 0; i < keys; i++) {
            keyNames[i] = "k" + i;
        }
    }

    String keyName(int key) {
        return keyNames[key];
    }

    void record(int process, EventType type, int key, Call call, long tick) {
        SimulationViolation.check(events.size() < EVENTS_MAX, "bounded history", "more than %d history events", EVENTS_MAX);
        events.add(Event.of(process, type, keyNames[key], call, OptionalLong.of(tick)));
    }

    int size() {
        return events.size();
    }

    History toHistory() {
        return History.of(events);
    }

    List<String> jsonLines() {
        List<String> lines = new ArrayList<>(events.size());
        for (Event event : events) {
            lines.add(event.toJson());
        }
        return lines;
    }
}
