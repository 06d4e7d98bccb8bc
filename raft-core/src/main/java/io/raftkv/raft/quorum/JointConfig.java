package io.raftkv.raft.quorum;

import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The voters in force: {@code incoming} alone, or during joint consensus both {@code incoming} and
 * {@code outgoing}, each of which must agree (Raft thesis §4.3). Immutable.
 */
public record JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {
    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    public SortedSet<Long> ids() {
        TreeSet<Long> ids = new TreeSet<>(incoming.voters());
        ids.addAll(outgoing.voters());
        return ids;
    }

    public boolean contains(long id) {
        return incoming.voters().contains(id) || outgoing.voters().contains(id);
    }

    /** An index is committed only when both halves have it. */
    public long committedIndex(Map<Long, Long> acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult first = incoming.voteResult(votes);
        VoteResult second = outgoing.voteResult(votes);
        if (first == second) {
            return first;
        }
        if (first == VoteResult.LOST || second == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
