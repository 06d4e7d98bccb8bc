package io.raftkv.raft;

/** The (term, index) pair that identifies an entry: two logs that hold the same id agree up to it. */
public record EntryId(long term, long index) {
    public EntryId {
        Invariants.check(term >= 0 && index >= 0, "entry id needs term, index >= 0, got %d/%d", term, index);
    }

    /** Raft's "at least as up-to-date" order (§5.4.1): later last term wins, then the longer log. */
    public boolean isAtLeastAsUpToDateAs(EntryId other) {
        return term > other.term || (term == other.term && index >= other.index);
    }

    @Override
    public String toString() {
        return term + "/" + index;
    }
}
