package io.raftkv.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive reference for small histories: tries every order of every subset of the
 * optional operations, over all keys at once (no partitioning, no memo, no entry list), straight
 * from the definition. An operation may go next when no required operation still waiting
 * completed before it was invoked. Exponential; only for a handful of operations.
 */
final class BruteForceChecker {
    private final List<Operation> operations = new ArrayList<>();

    private BruteForceChecker(History history) {
        for (Operation operation : history.operations()) {
            boolean tookNoEffect = operation.outcome() == Outcome.FAIL;
            boolean readWithoutResult = operation.call() instanceof Call.Read && operation.outcome() != Outcome.OK;
            if (!tookNoEffect && !readWithoutResult) {
                operations.add(operation);
            }
        }
    }

    static boolean isLinearizable(History history) {
        BruteForceChecker checker = new BruteForceChecker(history);
        return checker.search(new boolean[checker.operations.size()], new HashMap<>());
    }

    private boolean search(boolean[] done, Map<String, Value> state) {
        boolean requiredLeft = false;
        for (int i = 0; i < operations.size(); i++) {
            requiredLeft |= !done[i] && operations.get(i).outcome() == Outcome.OK;
        }
        if (!requiredLeft) {
            return true;
        }
        for (int i = 0; i < operations.size(); i++) {
            if (done[i] || !mayGoNext(i, done)) {
                continue;
            }
            Operation operation = operations.get(i);
            Value current = state.getOrDefault(operation.key(), Value.NIL);
            Value next = switch (operation.call()) {
                case Call.Read read -> read.observed().orElseThrow().equals(current) ? current : null;
                case Call.Write write -> write.value();
                case Call.Cas cas -> cas.expected().equals(current) ? cas.replacement() : null;
            };
            if (next == null) {
                continue;
            }
            Map<String, Value> nextState = new HashMap<>(state);
            nextState.put(operation.key(), next);
            done[i] = true;
            boolean found = search(done, nextState);
            done[i] = false;
            if (found) {
                return true;
            }
        }
        return false;
    }

    private boolean mayGoNext(int candidate, boolean[] done) {
        int invoked = operations.get(candidate).invoke().eventIndex();
        for (int i = 0; i < operations.size(); i++) {
            Operation other = operations.get(i);
            if (!done[i] && other.outcome() == Outcome.OK && other.complete().orElseThrow().eventIndex() < invoked) {
                return false;
            }
        }
        return true;
    }
}
