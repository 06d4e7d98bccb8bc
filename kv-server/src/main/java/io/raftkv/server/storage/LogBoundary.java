package io.raftkv.server.storage;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Invariants;
import java.util.Objects;

/**
 * The last compacted log position: the entry just before the log's first index, known only by its
 * index and term, and the membership in force after it. raft-core restarts from here: it builds its
 * configuration from {@link #confState} and re-applies the conf changes of every entry after
 * {@link #index}, so the two must describe the same point of the log.
 */
record LogBoundary(long index, long term, ConfState confState) {
    static final LogBoundary EMPTY = new LogBoundary(0, 0, ConfState.EMPTY);

    LogBoundary {
        Invariants.check(index >= 0 && term >= 0, "log boundary must be non-negative: %d/%d", index, term);
        Invariants.check((index == 0) == (term == 0), "log boundary index and term are zero together: %d/%d", index, term);
        Objects.requireNonNull(confState, "confState");
    }
}
