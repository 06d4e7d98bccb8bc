package io.raftkv.check;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Finds the shortest prefix of a non-linearizable key history that is already not linearizable,
 * by bisection over its ok and fail completions.
 *
 * <p>Why prefixes ending at those: only they add an obligation. An ok says the operation took
 * effect before it; a fail says it never takes effect, where until then, pending, it might have.
 * An invoke adds an operation that may be left out, and an info completion changes nothing
 * (pending and info mean the same). So the failing prefixes all end at ok or fail completions,
 * and the history cut just after the last of them fails exactly when the whole does.
 *
 * <p>Why bisection is sound: linearizability is prefix-closed. Take a linearization of a history
 * and keep the part up to the last operation that completed within the prefix: it contains only
 * operations invoked within the prefix (a later invoke follows every such completion in real
 * time), and dropping the reads that lost their result keeps it legal. So if a prefix fails, every
 * longer one fails too, and about log2(completions) searches find the shortest. Stateless.
 */
final class PrefixMinimizer {
    private PrefixMinimizer() {}

    static Violation shortestFailingPrefix(String key, History keyHistory, long memoBytesMax, Deadline deadline) {
        List<Operation> decided = new ArrayList<>();
        for (Operation operation : keyHistory.operations()) {
            if (operation.outcome() == Outcome.OK || operation.outcome() == Outcome.FAIL) {
                decided.add(operation);
            }
        }
        decided.sort(Comparator.comparingInt(operation -> operation.complete().orElseThrow().eventIndex()));
        Invariants.check(!decided.isEmpty(), "a failing history of key %s has an ok completion", key);
        // Invariant: the prefix through decided[high] fails; those before decided[low] pass.
        int low = 0;
        int high = decided.size() - 1;
        boolean shortest = true;
        while (low < high) {
            int middle = (low + high) >>> 1;
            SearchResult result = KeySearch.run(KeyProblem.encode(prefixThrough(keyHistory, decided.get(middle))),
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
        Operation culprit = decided.get(high);
        return new Violation(key, prefixThrough(keyHistory, culprit), culprit, shortest, keyHistory.size());
    }

    private static History prefixThrough(History keyHistory, Operation lastCompleted) {
        return keyHistory.prefixThrough(lastCompleted.complete().orElseThrow().eventIndex());
    }
}
