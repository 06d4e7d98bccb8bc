package io.raftkv.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the shortest prefix of a non-linearizable key history that is already not linearizable,
 * by bisection over the ok completions.
 *
 * <p>Why prefixes ending at ok completions: only an ok completion adds an obligation. An invoke
 * adds an operation that may be left out, and a fail or info completion turns a pending operation
 * into one that is ignored or still optional. So the failing prefixes all end at ok completions,
 * and the history cut just after the last ok completion fails exactly when the whole does.
 *
 * <p>Why bisection is sound: linearizability is prefix-closed. Take a linearization of a history
 * and keep the part up to the last operation that completed within the prefix: it contains only
 * operations invoked within the prefix (a later invoke follows every such completion in real
 * time), and dropping the reads that lost their result keeps it legal. So if a prefix fails, every
 * longer one fails too, and about log2(ok completions) searches find the shortest. Stateless.
 */
final class PrefixMinimizer {
    private PrefixMinimizer() {}

    static Violation shortestFailingPrefix(String key, History keyHistory, long memoBytesMax, Deadline deadline) {
        List<Operation> completedOk = new ArrayList<>();
        for (Operation operation : keyHistory.operations()) {
            if (operation.outcome() == Outcome.OK) {
                completedOk.add(operation);
            }
        }
        completedOk.sort(Comparator.comparingInt(operation -> operation.complete().orElseThrow().eventIndex()));
        Invariants.check(!completedOk.isEmpty(), "a failing history of key %s has an ok completion", key);
        // Invariant: the prefix through completedOk[high] fails; those before completedOk[low] pass.
        int low = 0;
        int high = completedOk.size() - 1;
        boolean shortest = true;
        while (low < high) {
            int middle = (low + high) >>> 1;
            SearchResult result = KeySearch.run(KeyProblem.encode(prefixThrough(keyHistory, completedOk.get(middle))),
                    memoBytesMax, deadline);
            switch (result.status()) {
                case NOT_LINEARIZABLE -> high = middle;
                case LINEARIZABLE -> low = middle + 1;
                case DEADLINE_PASSED, MEMO_FULL -> shortest = false;
            }
            if (!shortest) {
                break;
            }
        }
        Operation culprit = completedOk.get(high);
        return new Violation(key, prefixThrough(keyHistory, culprit), culprit, shortest, keyHistory.size());
    }

    private static History prefixThrough(History keyHistory, Operation lastCompleted) {
        return keyHistory.prefixThrough(lastCompleted.complete().orElseThrow().eventIndex());
    }
}
