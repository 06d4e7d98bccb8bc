package io.raftkv.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A complete history: every operation, in invocation order, each paired with its completion.
 * Built by {@link HistoryReader} from JSON lines or by {@link #of(List)} from events. Immutable.
 */
public record History(List<Operation> operations) {

    public History {
        operations = List.copyOf(operations);
        for (int i = 1; i < operations.size(); i++) {
            Invariants.check(operations.get(i - 1).invoke().eventIndex() < operations.get(i).invoke().eventIndex(),
                    "operations must be in invocation order: %s before %s", operations.get(i - 1), operations.get(i));
        }
    }

    /**
     * Pairs events given in real-time order into a history.
     *
     * @throws MalformedHistoryException if an event does not fit (see {@link HistoryReader})
     */
    public static History of(List<Event> events) {
        HistoryBuilder builder = new HistoryBuilder();
        events.forEach(builder::add);
        return builder.build();
    }

    public int size() {
        return operations.size();
    }

    /** The sub-history of each key, keys in sorted order so reports are stable from run to run. */
    public SortedMap<String, History> byKey() {
        Map<String, List<Operation>> grouped = new TreeMap<>();
        for (Operation operation : operations) {
            grouped.computeIfAbsent(operation.key(), key -> new ArrayList<>()).add(operation);
        }
        SortedMap<String, History> histories = new TreeMap<>();
        grouped.forEach((key, keyOperations) -> histories.put(key, new History(keyOperations)));
        return histories;
    }

    /**
     * The prefix of this history up to and including the event with index {@code lastEventIndex}:
     * operations invoked later are left out, and those completing later become pending.
     */
    public History prefixThrough(int lastEventIndex) {
        List<Operation> prefix = new ArrayList<>();
        for (Operation operation : operations) {
            if (operation.invoke().eventIndex() <= lastEventIndex) {
                prefix.add(operation.truncatedAfter(lastEventIndex));
            }
        }
        return new History(prefix);
    }
}
