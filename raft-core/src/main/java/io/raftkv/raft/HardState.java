package io.raftkv.raft;

/** What a node must persist before it answers: current term, the vote cast in it, and the commit index. */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, 0, 0);

    public HardState {
        Invariants.check(term >= 0 && vote >= 0 && commit >= 0,
                "hard state fields must be non-negative: term=%d vote=%d commit=%d", term, vote, commit);
    }
}
