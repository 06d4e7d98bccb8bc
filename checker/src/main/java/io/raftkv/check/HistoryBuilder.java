package io.raftkv.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pairs events, given in real-time order, into operations, and rejects events that do not fit.
 * A completion matches the pending invoke of the same process; a process has at most one pending
 * invoke. Invokes never completed become PENDING operations. Not thread-safe; one per history.
 */
final class HistoryBuilder {

    /** An invoke waiting for its completion; {@code slot} keeps the operation in invocation order. */
    private record Pending(int slot, Event event, Position position, Call call) {}

    private final Map<Integer, Pending> pendingByProcess = new HashMap<>();
    private final List<Operation> operations = new ArrayList<>();
    private int eventCount;

    void add(Event event) {
        Position position = new Position(eventCount, event.line(), event.time());
        if (event.type() == EventType.INVOKE) {
            addInvoke(event, position);
        } else {
            addCompletion(event, position);
        }
        eventCount++;
    }

    History build() {
        for (Pending pending : pendingByProcess.values()) {
            operations.set(pending.slot(), new Operation(pending.event().process(), pending.event().key(),
                    pending.call(), Outcome.PENDING, pending.position(), Optional.empty()));
        }
        pendingByProcess.clear();
        for (Operation operation : operations) {
            Invariants.check(operation != null, "every invoke slot is filled once the history is built");
        }
        return new History(operations);
    }

    private void addInvoke(Event event, Position position) {
        Pending earlier = pendingByProcess.get(event.process());
        if (earlier != null) {
            throw malformed(event, "process " + event.process() + " invokes again while its "
                    + earlier.event().command().jsonName() + " invoked at "
                    + earlier.position().describe() + " is still pending");
        }
        Call call = invokedCall(event);
        pendingByProcess.put(event.process(), new Pending(operations.size(), event, position, call));
        operations.add(null);
    }

    /** The call an invoke asks for; a read's invoke carries no value, whatever the line says. */
    private static Call invokedCall(Event event) {
        List<Value> value = event.value();
        return switch (event.command()) {
            case READ -> Call.read();
            case WRITE -> {
                if (value.size() != 1) {
                    throw malformed(event, "a write invoke needs one value (a string, an integer or null)");
                }
                yield new Call.Write(value.get(0));
            }
            case CAS -> {
                if (value.size() != 2) {
                    throw malformed(event, "a cas value must be a 2-element array [expected, new]");
                }
                yield new Call.Cas(value.get(0), value.get(1));
            }
        };
    }

    private void addCompletion(Event event, Position position) {
        Pending pending = pendingByProcess.remove(event.process());
        if (pending == null) {
            throw malformed(event, "completion (" + event.type().jsonName() + ") without a pending invoke for process "
                    + event.process());
        }
        Event invoke = pending.event();
        if (invoke.command() != event.command() || !invoke.key().equals(event.key())) {
            throw malformed(event, event.type().jsonName() + " for " + event.command().jsonName() + " on key "
                    + JsonText.quote(event.key()) + " does not match the pending " + invoke.command().jsonName()
                    + " on key " + JsonText.quote(invoke.key()) + " invoked at " + pending.position().describe());
        }
        Outcome outcome = switch (event.type()) {
            case OK -> Outcome.OK;
            case FAIL -> Outcome.FAIL;
            case INFO -> Outcome.INFO;
            case INVOKE -> throw new AssertionError("invokes are handled by addInvoke");
        };
        Call call = completedCall(event, pending.call(), outcome);
        operations.set(pending.slot(), new Operation(event.process(), event.key(), call, outcome,
                pending.position(), Optional.of(position)));
    }

    /**
     * A read learns its value from its ok completion. A write or cas is defined by its invoke; a
     * completion may repeat the value, and if it does it must agree, since a disagreement means
     * the recorder paired the wrong events.
     */
    private static Call completedCall(Event event, Call invoked, Outcome outcome) {
        List<Value> value = event.value();
        if (invoked instanceof Call.Read) {
            if (outcome != Outcome.OK) {
                return invoked;
            }
            if (value.size() != 1) {
                throw malformed(event, "a read's ok must carry the value read (null for a missing key)");
            }
            return new Call.Read(Optional.of(value.get(0)));
        }
        if (!value.isEmpty() && !value.equals(invoked.jsonValue())) {
            throw malformed(event, "the completion's value " + value + " differs from the invoke's "
                    + invoked.jsonValue());
        }
        return invoked;
    }

    private static MalformedHistoryException malformed(Event event, String reason) {
        return new MalformedHistoryException(event.line(), reason);
    }
}
