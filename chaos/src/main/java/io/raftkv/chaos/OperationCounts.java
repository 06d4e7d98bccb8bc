package io.raftkv.chaos;

import io.raftkv.check.Command;
import io.raftkv.check.EventType;
import java.util.concurrent.atomic.AtomicLongArray;

/** Completed client operations by command (read, write, cas) and outcome (ok, fail, info). Thread-safe. */
final class OperationCounts {
    private static final Command[] COMMANDS = Command.values();
    private static final EventType[] OUTCOMES = {EventType.OK, EventType.FAIL, EventType.INFO};

    private final AtomicLongArray counts = new AtomicLongArray(COMMANDS.length * OUTCOMES.length);

    void add(Command command, EventType outcome) {
        counts.incrementAndGet(index(command, outcome));
    }

    long get(Command command, EventType outcome) {
        return counts.get(index(command, outcome));
    }

    long total(EventType outcome) {
        long total = 0;
        for (Command command : COMMANDS) {
            total += get(command, outcome);
        }
        return total;
    }

    long total() {
        long total = 0;
        for (EventType outcome : OUTCOMES) {
            total += total(outcome);
        }
        return total;
    }

    static Command[] commands() {
        return COMMANDS.clone();
    }

    private static int index(Command command, EventType outcome) {
        int column = switch (outcome) {
            case OK -> 0;
            case FAIL -> 1;
            case INFO -> 2;
            case INVOKE -> throw new IllegalArgumentException("an invoke is not an outcome");
        };
        return command.ordinal() * OUTCOMES.length + column;
    }
}
