package io.raftkv.check;

import java.util.List;
import java.util.Objects;

/**
 * Evidence that one key's history is not linearizable: the shortest prefix of it, cut just after
 * an ok or fail completion, that the search could not linearize, and the operation whose
 * completion ends it. Everything before that completion could still be explained; that
 * completion cannot (an ok that no order allows, or a fail of an operation that must have taken
 * effect to explain what others saw).
 *
 * <p>{@code shortest} is false when the bisection for the shortest prefix was stopped by the
 * deadline or memo budget, in which case {@code prefix} fails but a shorter one might too.
 * Immutable.
 */
public record Violation(String key, History prefix, Operation culprit, boolean shortest, int keyOperationCount) {

    /** How many operations {@link #describe()} shows: the report must stay readable. */
    public static final int OPERATIONS_SHOWN_MAX = 40;

    public Violation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(culprit, "culprit");
        Invariants.check(culprit.outcome() == Outcome.OK || culprit.outcome() == Outcome.FAIL,
                "a prefix ends at an ok or fail completion: %s", culprit);
        Invariants.check(prefix.operations().contains(culprit), "the culprit is in the prefix: %s", culprit);
    }

    /**
     * A report: the key, where the prefix ends, and its last {@link #OPERATIONS_SHOWN_MAX}
     * operations by invocation (the ones that overlap the culprit are among them).
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append("key ").append(JsonText.quote(key)).append(": not linearizable; ")
                .append(shortest ? "shortest failing prefix" : "failing prefix (not minimized: out of time or memory)")
                .append(" ends at the ").append(culprit.outcome() == Outcome.OK ? "ok" : "fail")
                .append(" of ").append(culprit.call().describe())
                .append(" by process ").append(culprit.process())
                .append(" at ").append(culprit.complete().orElseThrow().describe()).append('\n');
        List<Operation> operations = prefix.operations();
        int hidden = Math.max(0, operations.size() - OPERATIONS_SHOWN_MAX);
        out.append("  ").append(operations.size()).append(" of the key's ").append(keyOperationCount)
                .append(" operations are in that prefix");
        out.append(hidden > 0 ? "; the last " + OPERATIONS_SHOWN_MAX + " invoked:\n" : ":\n");
        for (Operation operation : operations.subList(hidden, operations.size())) {
            out.append(operation.equals(culprit) ? "  > " : "    ").append(operation.describe()).append('\n');
        }
        return out.toString();
    }
}
