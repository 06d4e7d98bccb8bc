package io.raftkv.raft.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.ProposeResult;

/**
 * Proves progress after healing: a no-op proposed to the leader must be applied by that leader at
 * the (index, term) it was accepted at. If leadership moves first, the probe is proposed again to
 * the new leader. Not thread-safe; one per seed.
 */
final class LivenessProbe {
    private SimNode node;
    private int incarnation;
    private long index;
    private long term;
    private long opId;
    private boolean done;

    boolean done() {
        return done;
    }

    /** The node whose apply completed the probe. */
    SimNode node() {
        return node;
    }

    /** Whether a proposal is outstanding at {@code leader} in its current life. */
    boolean waitingOn(SimNode leader) {
        return node == leader && incarnation == leader.incarnation() && leader.up() && !done;
    }

    void reset() {
        node = null;
        done = false;
    }

    /** Proposes the no-op at {@code leader}; the caller drains the leader afterwards. */
    void propose(SimNode leader, long newOpId) {
        ProposeResult result = leader.raft().propose(KvCommand.noop(newOpId).encode());
        if (result instanceof ProposeResult.Accepted accepted) {
            node = leader;
            incarnation = leader.incarnation();
            index = accepted.index();
            term = accepted.term();
            opId = newOpId;
            Trace trace = leader.cluster().trace();
            if (trace.on()) {
                trace.add("liveness probe proposed at " + term + "/" + index + " on n" + leader.id);
            }
        }
    }

    void onApplied(SimNode applier, Entry entry, KvCommand command) {
        if (applier != node || applier.incarnation() != incarnation || entry.index() != index) {
            return;
        }
        if (entry.term() == term && command != null && command.opId() == opId) {
            done = true;
        } else {
            node = null;
        }
    }
}
