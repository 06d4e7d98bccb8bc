package io.raftkv.check;

/** How one search of one key ended, with the number of memo states it explored. Immutable. */
record SearchResult(Status status, long statesExplored, long memoBytes) {

    enum Status {
        LINEARIZABLE,
        NOT_LINEARIZABLE,
        DEADLINE_PASSED,
        MEMO_FULL
    }

    boolean decided() {
        return status == Status.LINEARIZABLE || status == Status.NOT_LINEARIZABLE;
    }
}
