package io.raftkv.raft.tracker;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.quorum.JointConfig;
import io.raftkv.raft.quorum.MajorityConfig;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The membership in force: voters (possibly joint), learners, and learnersNext (voters of the
 * outgoing half who become learners when the joint configuration is left). Immutable.
 * Invariants: learners and voters are disjoint; learnersNext lie in the outgoing half only.
 */
public record TrackerConfig(JointConfig voters, SortedSet<Long> learners, SortedSet<Long> learnersNext,
                            boolean autoLeave) {
    public TrackerConfig {
        learners = Collections.unmodifiableSortedSet(new TreeSet<>(learners));
        learnersNext = Collections.unmodifiableSortedSet(new TreeSet<>(learnersNext));
        for (long id : learners) {
            Invariants.check(!voters.contains(id), "node %d is a learner and a voter", id);
        }
        for (long id : learnersNext) {
            Invariants.check(voters.outgoing().voters().contains(id) && !voters.incoming().voters().contains(id),
                    "learnerNext %d must be an outgoing-only voter", id);
        }
        Invariants.check(!autoLeave || voters.isJoint(), "autoLeave outside a joint configuration");
    }

    public static TrackerConfig of(ConfState state) {
        return new TrackerConfig(
                new JointConfig(MajorityConfig.of(state.voters()), MajorityConfig.of(state.votersOutgoing())),
                state.learners(), state.learnersNext(), state.autoLeave());
    }

    public ConfState toConfState() {
        return new ConfState(voters.incoming().voters(), learners, voters.outgoing().voters(), learnersNext, autoLeave);
    }

    /** Every node the leader replicates to: voters of both halves and learners. */
    public SortedSet<Long> allIds() {
        TreeSet<Long> ids = new TreeSet<>(voters.ids());
        ids.addAll(learners);
        return ids;
    }

    @Override
    public String toString() {
        return "voters=" + voters + (learners.isEmpty() ? "" : " learners=" + learners)
                + (learnersNext.isEmpty() ? "" : " learnersNext=" + learnersNext) + (autoLeave ? " autoleave" : "");
    }
}
