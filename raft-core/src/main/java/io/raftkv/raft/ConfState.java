package io.raftkv.raft;

import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A membership configuration as persisted in snapshots. {@code votersOutgoing} is non-empty only
 * in a joint configuration; {@code learnersNext} holds voters being demoted to learners, who stay
 * voters in the outgoing half until the joint configuration is left.
 */
public record ConfState(SortedSet<Long> voters, SortedSet<Long> learners,
                        SortedSet<Long> votersOutgoing, SortedSet<Long> learnersNext, boolean autoLeave) {
    public static final ConfState EMPTY = new ConfState(Set.of(), Set.of(), Set.of(), Set.of(), false);

    public ConfState(Set<Long> voters, Set<Long> learners, Set<Long> votersOutgoing,
                     Set<Long> learnersNext, boolean autoLeave) {
        this(sorted(voters), sorted(learners), sorted(votersOutgoing), sorted(learnersNext), autoLeave);
    }

    public ConfState {
        voters = sorted(voters);
        learners = sorted(learners);
        votersOutgoing = sorted(votersOutgoing);
        learnersNext = sorted(learnersNext);
        for (long learner : learners) {
            Invariants.check(!voters.contains(learner) && !votersOutgoing.contains(learner),
                    "node %d is both learner and voter", learner);
        }
        Invariants.check(!autoLeave || !votersOutgoing.isEmpty(), "autoLeave set outside a joint configuration");
    }

    public static ConfState ofVoters(long... ids) {
        TreeSet<Long> voters = new TreeSet<>();
        for (long id : ids) {
            voters.add(id);
        }
        return new ConfState(voters, Set.of(), Set.of(), Set.of(), false);
    }

    public boolean isJoint() {
        return !votersOutgoing.isEmpty();
    }

    private static SortedSet<Long> sorted(Set<Long> ids) {
        return java.util.Collections.unmodifiableSortedSet(new TreeSet<>(ids));
    }
}
