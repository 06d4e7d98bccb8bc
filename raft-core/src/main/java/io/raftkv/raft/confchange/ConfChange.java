package io.raftkv.raft.confchange;

import io.raftkv.raft.Invariants;
import java.util.List;

/**
 * A membership change proposed through the log. With at most one voter touched and transition
 * AUTO it is a simple change applied directly; otherwise it enters a joint configuration
 * (thesis §4.3), left automatically (AUTO, JOINT_IMPLICIT) or by an explicit empty change
 * (JOINT_EXPLICIT). An empty change with no changes leaves the joint configuration.
 */
public record ConfChange(Transition transition, List<Change> changes, byte[] context) {
    /** Largest context the driver may attach (e.g. the new member's addresses). */
    public static final int CONTEXT_BYTES_MAX = 64 * 1024;

    public ConfChange {
        changes = List.copyOf(changes);
        java.util.Objects.requireNonNull(context, "context");
        if (context.length > CONTEXT_BYTES_MAX) {
            throw new IllegalArgumentException("conf change context of " + context.length + " bytes exceeds " + CONTEXT_BYTES_MAX);
        }
    }

    public ConfChange(Transition transition, List<Change> changes) {
        this(transition, changes, new byte[0]);
    }

    public static ConfChange simple(ChangeType type, long nodeId) {
        return new ConfChange(Transition.AUTO, List.of(new Change(type, nodeId)));
    }

    /** A simple change carrying driver data (the server records the member's addresses there). */
    public static ConfChange simple(ChangeType type, long nodeId, byte[] context) {
        return new ConfChange(Transition.AUTO, List.of(new Change(type, nodeId)), context);
    }

    public static ConfChange leaveJoint() {
        return new ConfChange(Transition.AUTO, List.of());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ConfChange c && c.transition == transition && c.changes.equals(changes)
                && java.util.Arrays.equals(c.context, context);
    }

    @Override
    public int hashCode() {
        return (transition.hashCode() * 31 + changes.hashCode()) * 31 + java.util.Arrays.hashCode(context);
    }

    @Override
    public String toString() {
        return (changes.isEmpty() ? "leave-joint" : transition + " " + changes) + (context.length > 0 ? " context=" + context.length + "B" : "");
    }

    public boolean isLeaveJoint() {
        return changes.isEmpty();
    }

    /** Whether this change must go through a joint configuration. */
    public boolean needsJoint() {
        if (changes.isEmpty()) {
            return false;
        }
        if (transition != Transition.AUTO) {
            return true;
        }
        return changes.size() > 1;
    }

    public boolean autoLeave() {
        return transition != Transition.JOINT_EXPLICIT;
    }

    public enum Transition { AUTO, JOINT_IMPLICIT, JOINT_EXPLICIT }

    public enum ChangeType { ADD_VOTER, ADD_LEARNER, REMOVE }

    public record Change(ChangeType type, long nodeId) {
        public Change {
            Invariants.check(nodeId > 0, "conf change node id must be > 0, got %d", nodeId);
        }
    }
}
