package io.raftkv.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Checks a history together with a final, quiescent read of every key, as fault tests do after
 * healing the cluster. An acknowledged write that the store lost shows up as a final read the
 * history cannot explain, and the report points at that read and the writes around it.
 *
 * <p>The final reads are appended as ok reads invoked after every event of the history, one
 * sequential read per key, by a process id no event uses. Info and pending operations may still
 * take effect after them, as always. Stateless.
 */
public final class LostWrites {
    private LostWrites() {}

    /** Checks {@code history} with {@code finalValues} (key to value read; {@link Value#NIL} for missing). */
    public static CheckResult check(History history, Map<String, Value> finalValues, Duration timeout) {
        return LinearizabilityChecker.check(withFinalReads(history, finalValues), timeout);
    }

    /** The history followed by one completed read per key, in key order, after everything else. */
    public static History withFinalReads(History history, Map<String, Value> finalValues) {
        int lastEventIndex = -1;
        int processMax = -1;
        for (Operation operation : history.operations()) {
            int last = operation.complete().map(Position::eventIndex).orElse(operation.invoke().eventIndex());
            lastEventIndex = Math.max(lastEventIndex, last);
            processMax = Math.max(processMax, operation.process());
        }
        Invariants.check(processMax < Integer.MAX_VALUE, "a process id is left for the final reads");
        int reader = processMax + 1;
        List<Operation> operations = new ArrayList<>(history.operations());
        int eventIndex = lastEventIndex + 1;
        for (Map.Entry<String, Value> entry : new TreeMap<>(finalValues).entrySet()) {
            Position invoke = new Position(eventIndex++, 0, OptionalLong.empty());
            Position complete = new Position(eventIndex++, 0, OptionalLong.empty());
            operations.add(new Operation(reader, entry.getKey(), new Call.Read(Optional.of(entry.getValue())),
                    Outcome.OK, invoke, Optional.of(complete)));
        }
        return new History(operations);
    }
}
