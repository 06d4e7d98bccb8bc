package io.raftkv.check;

/**
 * The Wing-Gong search with Lowe's memoization, over the history of one key.
 *
 * <p>Walk the entry list from the front. At a call, try to linearize that operation now: if the
 * model allows it and the resulting (linearized set, state) pair is new, push it, lift the
 * operation out of the list and start again from the front. At a return, the operation it belongs
 * to had to be linearized before this point and was not, so pop the last choice, put it back and
 * try the entry after it. The history is linearizable once every required (ok) operation is
 * linearized; optional (info) operations still in the list are the ones that never took effect.
 * It is not linearizable once a return is reached with nothing left to pop.
 *
 * <p>An optional operation's return sits at +infinity, behind every required return, so the
 * search never reaches one while a required operation is still open: it either finished before
 * or backtracked at a required return.
 *
 * <p>One addition to Lowe: of several identical optional operations, only the earliest-invoked
 * unapplied one is tried ({@link KeyProblem#previousSameCall}), since they are interchangeable;
 * otherwise a failing search would try every subset of them.
 *
 * <p>Bounded: the deadline is checked every {@link #DEADLINE_CHECK_INTERVAL} steps and the memo
 * stops at its byte budget; the stack holds at most one frame per operation. Not thread-safe; one
 * instance per search.
 */
final class KeySearch {
    /** Steps between clock reads: a step is well under a microsecond, so this is ~1 ms or less. */
    private static final int DEADLINE_CHECK_INTERVAL = 1024;

    private final KeyProblem problem;
    private final EntryList entries;
    private final LinearizedSet linearized;
    private final MemoTable memo;
    private final Deadline deadline;

    private KeySearch(KeyProblem problem, long memoBytesMax, Deadline deadline) {
        this.problem = problem;
        this.entries = new EntryList(problem);
        this.linearized = new LinearizedSet(problem.size());
        this.memo = new MemoTable(linearized.wordCount(), memoBytesMax);
        this.deadline = deadline;
    }

    static SearchResult run(KeyProblem problem, long memoBytesMax, Deadline deadline) {
        return new KeySearch(problem, memoBytesMax, deadline).search();
    }

    private SearchResult search() {
        int[] stackCalls = new int[problem.size()];
        int[] stackStates = new int[problem.size()];
        int depth = 0;
        int state = 0;
        int requiredLeft = problem.requiredCount();
        if (requiredLeft == 0) {
            return result(SearchResult.Status.LINEARIZABLE);
        }
        int entry = entries.first();
        long steps = 0;
        while (true) {
            if (++steps % DEADLINE_CHECK_INTERVAL == 0 && deadline.passed()) {
                return result(SearchResult.Status.DEADLINE_PASSED);
            }
            Invariants.check(entry != entries.tail(), "a required return lies ahead while %d are open", requiredLeft);
            int operation = EntryList.operationOf(entry);
            if (EntryList.isCall(entry)) {
                int nextState = skipAsInterchangeable(operation) ? -1 : problem.step(operation, state);
                if (nextState >= 0) {
                    linearized.add(operation);
                    if (memo.add(linearized, nextState)) {
                        stackCalls[depth] = entry;
                        stackStates[depth] = state;
                        depth++;
                        state = nextState;
                        entries.lift(entry);
                        if (problem.required(operation) && --requiredLeft == 0) {
                            return result(SearchResult.Status.LINEARIZABLE);
                        }
                        if (memo.isFull()) {
                            return result(SearchResult.Status.MEMO_FULL);
                        }
                        entry = entries.first();
                        continue;
                    }
                    linearized.remove(operation);
                }
                entry = entries.next(entry);
                continue;
            }
            Invariants.check(problem.required(operation), "reached the return of optional operation %d", operation);
            if (depth == 0) {
                return result(SearchResult.Status.NOT_LINEARIZABLE);
            }
            depth--;
            entry = stackCalls[depth];
            state = stackStates[depth];
            int undone = EntryList.operationOf(entry);
            linearized.remove(undone);
            if (problem.required(undone)) {
                requiredLeft++;
            }
            entries.unlift(entry);
            entry = entries.next(entry);
        }
    }

    /**
     * True for an optional operation whose identical, earlier-invoked twin has not been applied:
     * applying the twin instead leads to the same outcomes. By induction the applied members of
     * each group of identical operations are always its earliest-invoked ones.
     */
    private boolean skipAsInterchangeable(int operation) {
        int twin = problem.previousSameCall(operation);
        return twin >= 0 && !linearized.contains(twin);
    }

    private SearchResult result(SearchResult.Status status) {
        return new SearchResult(status, memo.size(), memo.estimatedBytes());
    }
}
