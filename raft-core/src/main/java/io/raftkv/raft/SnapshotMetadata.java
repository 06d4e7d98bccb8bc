package io.raftkv.raft;

import java.util.Objects;

/** The log position a snapshot covers and the membership in force at that position. */
public record SnapshotMetadata(long index, long term, ConfState confState) {
    public static final SnapshotMetadata EMPTY = new SnapshotMetadata(0, 0, ConfState.EMPTY);

    public SnapshotMetadata {
        Invariants.check(index >= 0 && term >= 0, "snapshot index/term must be >= 0: %d/%d", index, term);
        Invariants.check((index == 0) == (term == 0), "snapshot index and term are zero together: %d/%d", index, term);
        Objects.requireNonNull(confState, "confState");
    }
}
