package io.raftkv.raft.confchange;

import io.raftkv.raft.quorum.JointConfig;
import io.raftkv.raft.quorum.MajorityConfig;
import io.raftkv.raft.tracker.TrackerConfig;
import java.util.TreeSet;

/**
 * Computes the membership that results from a {@link ConfChange}, or explains why it is invalid.
 * Pure: the tracker swaps the result in. The rules that make changes safe:
 * <ul>
 *   <li>A simple change touches at most one voter, so any majority of the old voters and any
 *       majority of the new ones overlap (thesis §4.1); no two leaders can be elected in one term
 *       across the change.</li>
 *   <li>Larger changes go through a joint configuration in which every decision needs a majority
 *       of both the old and the new voters (thesis §4.3), then leave it with a second entry.</li>
 *   <li>A joint configuration cannot be entered from a joint configuration, nor left from a
 *       simple one; the leader allows one unapplied change at a time (see the leader's
 *       pendingConfIndex), and a node with a committed but unapplied change does not campaign.</li>
 *   <li>A voter demoted to learner during a joint change stays a voter of the outgoing half
 *       (in learnersNext) until the joint configuration is left, so the outgoing majority is intact.</li>
 *   <li>A configuration may not lose all its voters.</li>
 * </ul>
 */
public final class Changer {
    private Changer() {}

    /** The result of applying a change: the new config, or the reason it is refused. */
    public sealed interface Result {
        record Applied(TrackerConfig config) implements Result {}

        record Invalid(String reason) implements Result {}
    }

    /**
     * The membership a state machine records after applying {@code change} to {@code current}: the
     * same computation the core makes, so the snapshot's ConfState always matches the core's.
     *
     * @throws IllegalArgumentException if the change is invalid for {@code current}
     */
    public static io.raftkv.raft.ConfState apply(io.raftkv.raft.ConfState current, ConfChange change) {
        return switch (apply(TrackerConfig.of(current), change)) {
            case Result.Applied applied -> applied.config().toConfState();
            case Result.Invalid invalid -> throw new IllegalArgumentException("invalid conf change " + change + ": " + invalid.reason());
        };
    }

    public static Result apply(TrackerConfig current, ConfChange change) {
        if (change.isLeaveJoint()) {
            return leaveJoint(current);
        }
        if (change.needsJoint()) {
            return enterJoint(current, change);
        }
        return simple(current, change);
    }

    private static Result simple(TrackerConfig current, ConfChange change) {
        if (current.voters().isJoint()) {
            return new Result.Invalid("cannot make a simple change in a joint configuration");
        }
        Working working = new Working(current);
        String error = working.applyAll(change);
        if (error != null) {
            return new Result.Invalid(error);
        }
        int touched = symmetricDifference(current.voters().incoming().voters(), working.incoming);
        if (touched > 1) {
            return new Result.Invalid("more than one voter changed without joint consensus");
        }
        return working.build(false, false);
    }

    private static Result enterJoint(TrackerConfig current, ConfChange change) {
        if (current.voters().isJoint()) {
            return new Result.Invalid("configuration is already joint");
        }
        if (current.voters().incoming().isEmpty()) {
            return new Result.Invalid("cannot enter a joint configuration from no voters");
        }
        Working working = new Working(current);
        working.outgoing.addAll(current.voters().incoming().voters());
        String error = working.applyAll(change);
        if (error != null) {
            return new Result.Invalid(error);
        }
        return working.build(true, change.autoLeave());
    }

    private static Result leaveJoint(TrackerConfig current) {
        if (!current.voters().isJoint()) {
            return new Result.Invalid("cannot leave a joint configuration that is not joint");
        }
        TreeSet<Long> learners = new TreeSet<>(current.learners());
        learners.addAll(current.learnersNext());
        return new Result.Applied(new TrackerConfig(
                new JointConfig(current.voters().incoming(), MajorityConfig.EMPTY), learners, new TreeSet<>(), false));
    }

    private static int symmetricDifference(java.util.Set<Long> before, java.util.Set<Long> after) {
        int count = 0;
        for (long id : before) {
            if (!after.contains(id)) {
                count++;
            }
        }
        for (long id : after) {
            if (!before.contains(id)) {
                count++;
            }
        }
        return count;
    }

    /** Mutable sets a change is applied to, then frozen into a TrackerConfig. */
    private static final class Working {
        final TreeSet<Long> incoming;
        final TreeSet<Long> outgoing;
        final TreeSet<Long> learners;
        final TreeSet<Long> learnersNext;

        Working(TrackerConfig config) {
            incoming = new TreeSet<>(config.voters().incoming().voters());
            outgoing = new TreeSet<>(config.voters().outgoing().voters());
            learners = new TreeSet<>(config.learners());
            learnersNext = new TreeSet<>(config.learnersNext());
        }

        String applyAll(ConfChange change) {
            for (ConfChange.Change single : change.changes()) {
                long id = single.nodeId();
                switch (single.type()) {
                    case ADD_VOTER -> {
                        learners.remove(id);
                        learnersNext.remove(id);
                        incoming.add(id);
                    }
                    case ADD_LEARNER -> {
                        incoming.remove(id);
                        learners.remove(id);
                        learnersNext.remove(id);
                        // A voter of the outgoing half keeps voting there until the joint config is left.
                        if (outgoing.contains(id)) {
                            learnersNext.add(id);
                        } else {
                            learners.add(id);
                        }
                    }
                    case REMOVE -> {
                        incoming.remove(id);
                        learners.remove(id);
                        learnersNext.remove(id);
                    }
                }
            }
            if (incoming.isEmpty()) {
                return "removing all voters is not allowed";
            }
            return null;
        }

        Result build(boolean joint, boolean autoLeave) {
            MajorityConfig out = joint ? MajorityConfig.of(outgoing) : MajorityConfig.EMPTY;
            return new Result.Applied(new TrackerConfig(
                    new JointConfig(MajorityConfig.of(incoming), out), learners, learnersNext, joint && autoLeave));
        }
    }
}
