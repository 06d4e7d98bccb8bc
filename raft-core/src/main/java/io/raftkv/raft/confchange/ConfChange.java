package io.raftkv.raft.confchange;

import io.raftkv.raft.Invariants;
import java.util.List;

/**
 * A membership change proposed through the log. With at most one voter touched and transition
 * AUTO it is a simple change applied directly; otherwise it enters a joint configuration
 * (thesis §4.3), left automatically (AUTO, JOINT_IMPLICIT) or by an explicit empty change
 * (JOINT_EXPLICIT). An empty change with no changes leaves the joint configuration.
 */
public record ConfChange(Transition transition, List<Change> changes) {
    public ConfChange {
        changes = List.copyOf(changes);
    }

    public static ConfChange simple(ChangeType type, long nodeId) {
        return new ConfChange(Transition.AUTO, List.of(new Change(type, nodeId)));
    }

    public static ConfChange leaveJoint() {
        return new ConfChange(Transition.AUTO, List.of());
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
