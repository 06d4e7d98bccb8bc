package io.raftkv.check;

import java.util.Objects;
import java.util.Optional;

/**
 * An invoke paired with its completion. {@code complete} is empty exactly when the outcome is
 * PENDING. For a read, {@code call} carries the observed value only when the outcome is OK.
 * Immutable.
 */
public record Operation(int process, String key, Call call, Outcome outcome, Position invoke,
                        Optional<Position> complete) {

    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(invoke, "invoke");
        Objects.requireNonNull(complete, "complete");
        Invariants.check(complete.isEmpty() == (outcome == Outcome.PENDING),
                "an operation has a completion unless it is pending: %s %s", outcome, complete);
        Invariants.check(complete.isEmpty() || complete.get().eventIndex() > invoke.eventIndex(),
                "a completion must follow its invoke: %s then %s", invoke, complete);
        if (call instanceof Call.Read read) {
            Invariants.check(read.observed().isPresent() == (outcome == Outcome.OK),
                    "a read carries the value it saw exactly when it completed ok: %s %s", outcome, read);
        }
    }

    public Command command() {
        return call.command();
    }

    /**
     * This operation as it looks in the history cut just after event {@code lastEventIndex}: a
     * completion after the cut has not happened yet, so the operation is pending there.
     */
    Operation truncatedAfter(int lastEventIndex) {
        Invariants.check(invoke.eventIndex() <= lastEventIndex,
                "an operation invoked after the cut is not in the prefix: %s", this);
        if (complete.isEmpty() || complete.get().eventIndex() <= lastEventIndex) {
            return this;
        }
        Call pendingCall = call instanceof Call.Read ? Call.read() : call;
        return new Operation(process, key, pendingCall, Outcome.PENDING, invoke, Optional.empty());
    }

    /**
     * One report line: {@code process 4  read -> 3  invoke line 801  ok line 812}.
     */
    public String describe() {
        String ending = switch (outcome) {
            case OK -> "ok " + complete.orElseThrow().describe();
            case FAIL -> "fail " + complete.orElseThrow().describe() + " (ignored)";
            case INFO -> "info " + complete.orElseThrow().describe() + " (outcome unknown)";
            case PENDING -> "pending (outcome unknown)";
        };
        return String.format("process %-4d %-24s invoke %s, %s", process, call.describe(), invoke.describe(), ending);
    }
}
