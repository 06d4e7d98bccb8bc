package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import java.util.Objects;

/**
 * The state machine's position, as stored in its database with the data: the last applied entry,
 * the store revision, and the membership. Immutable; published through a volatile field so readers
 * on other threads see a consistent set.
 */
record AppliedState(long index, long term, long revision, Membership membership) {
    /** A store that has applied nothing. The revision starts at 1, as etcd's does. */
    static final AppliedState EMPTY = new AppliedState(0, 0, 1, Membership.EMPTY);

    AppliedState {
        Invariants.check(index >= 0 && term >= 0 && (index == 0) == (term == 0),
                "applied index and term must be >= 0 and zero together: %d/%d", index, term);
        Invariants.check(revision >= 1, "revision must be >= 1, got %d", revision);
        Objects.requireNonNull(membership, "membership");
    }
}
