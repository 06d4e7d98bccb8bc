package io.raftkv.raft.quorum;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** A set of voters deciding by simple majority. Immutable. */
public record MajorityConfig(SortedSet<Long> voters) {
    public static final MajorityConfig EMPTY = new MajorityConfig(new TreeSet<>());

    public MajorityConfig {
        voters = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(voters));
    }

    public static MajorityConfig of(Set<Long> ids) {
        return new MajorityConfig(new TreeSet<>(ids));
    }

    public boolean isEmpty() {
        return voters.isEmpty();
    }

    /**
     * The largest index acknowledged by a majority: sort the voters' acknowledged indexes in
     * descending order and take the one at position n/2. Voters with no entry count as 0. An empty
     * configuration commits everything, so that a joint config with an empty half defers to the other.
     */
    public long committedIndex(Map<Long, Long> acked) {
        if (voters.isEmpty()) {
            return Long.MAX_VALUE;
        }
        long[] indexes = new long[voters.size()];
        int i = 0;
        for (long id : voters) {
            indexes[i++] = acked.getOrDefault(id, 0L);
        }
        Arrays.sort(indexes);
        // Ascending order: the majority quorum's minimum sits at n - (n/2 + 1).
        return indexes[indexes.length - (indexes.length / 2 + 1)];
    }

    /** WON once a majority granted, LOST once a majority can no longer be reached, else PENDING. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        if (voters.isEmpty()) {
            return VoteResult.WON;
        }
        int granted = 0;
        int missing = 0;
        for (long id : voters) {
            Boolean vote = votes.get(id);
            if (vote == null) {
                missing++;
            } else if (vote) {
                granted++;
            }
        }
        int quorum = voters.size() / 2 + 1;
        if (granted >= quorum) {
            return VoteResult.WON;
        }
        if (granted + missing >= quorum) {
            return VoteResult.PENDING;
        }
        return VoteResult.LOST;
    }

    @Override
    public String toString() {
        return voters.toString();
    }
}
