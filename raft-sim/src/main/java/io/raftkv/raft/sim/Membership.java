package io.raftkv.raft.sim;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChange.ChangeType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Membership changes an operator would make, proposed through the current leader under whatever
 * faults are going on: add a brand-new node (empty disk) as a learner, promote a learner (simply,
 * or in a joint change that also removes a voter), remove a voter (the leader included). The
 * voter count stays within one of the initial size. Removed nodes are retired (shut down for good)
 * once a node has applied their removal. Bounded: at most {@link #NEW_NODES_MAX} new nodes.
 * Not thread-safe; one per seed.
 */
final class Membership {
    static final int NEW_NODES_MAX = 3;

    private final Cluster cluster;
    private final SplittableRandom random;
    private final double rate;
    private final int initialVoters;
    private final Trace trace;
    /** Nodes that have been members in some applied configuration: only they can be removed. */
    private final TreeSet<Long> joined = new TreeSet<>();
    /** The configuration at the highest index any node has applied, and that index. */
    private ConfState newest;
    private long newestIndex;
    private int added;
    private int changes;
    private boolean stopped;

    Membership(Cluster cluster, SplittableRandom random, double rate, int initialVoters) {
        this.cluster = cluster;
        this.random = random;
        this.rate = rate;
        this.initialVoters = initialVoters;
        this.trace = cluster.trace();
        for (long id = 1; id <= initialVoters; id++) {
            joined.add(id);
        }
    }

    int changes() {
        return changes;
    }

    void stop() {
        stopped = true;
    }

    void step() {
        if (changes > 0) {
            retireRemoved();
        }
        if (stopped || rate == 0 || random.nextDouble() >= rate) {
            return;
        }
        SimNode leader = cluster.leader();
        if (leader == null || !leader.accepting()) {
            return;
        }
        ConfState conf = leader.machine().confState();
        if (conf.isJoint()) {
            return;
        }
        ConfChange change = choose(conf);
        if (change == null) {
            return;
        }
        ProposeResult result = leader.raft().proposeConfChange(change);
        trace.add("n" + leader.id + " proposed conf change " + change + ": " + FaultInjector.describe(result));
        if (result instanceof ProposeResult.Accepted) {
            changes++;
            for (ConfChange.Change single : change.changes()) {
                if (single.type() == ChangeType.ADD_LEARNER && cluster.node(single.nodeId()) == null) {
                    added++;
                    cluster.addEmptyNode(single.nodeId());
                }
            }
        }
        leader.drain();
    }

    private ConfChange choose(ConfState conf) {
        List<Long> voters = new ArrayList<>(conf.voters());
        List<Long> learners = new ArrayList<>(conf.learners());
        if (!learners.isEmpty()) {
            long learner = learners.get(random.nextInt(learners.size()));
            if (random.nextBoolean() || voters.size() < initialVoters) {
                return ConfChange.simple(ChangeType.ADD_VOTER, learner);
            }
            // Swap a voter for the learner in one joint change (thesis §4.3), left automatically.
            long removed = voters.get(random.nextInt(voters.size()));
            return new ConfChange(ConfChange.Transition.AUTO, List.of(
                    new ConfChange.Change(ChangeType.ADD_VOTER, learner), new ConfChange.Change(ChangeType.REMOVE, removed)));
        }
        if (voters.size() > initialVoters || (added >= NEW_NODES_MAX && voters.size() >= initialVoters)) {
            return ConfChange.simple(ChangeType.REMOVE, voters.get(random.nextInt(voters.size())));
        }
        if (added < NEW_NODES_MAX) {
            return ConfChange.simple(ChangeType.ADD_LEARNER, cluster.nextNodeId());
        }
        return null;
    }

    /**
     * Shuts down nodes that the newest applied configuration no longer has, as an operator would.
     * The newest is the one at the highest index any node has applied so far (a configuration is
     * a function of the applied prefix, so a later index never has an older one).
     */
    private void retireRemoved() {
        ConfState before = newest;
        for (SimNode node : cluster.nodes()) {
            if (node.up() && node.machine().applied() > newestIndex) {
                newestIndex = node.machine().applied();
                newest = node.machine().confState();
            }
        }
        if (newest == null || newest.equals(before)) {
            return;
        }
        for (SimNode node : cluster.nodes()) {
            if (isMember(newest, node.id)) {
                joined.add(node.id);
            } else if (joined.contains(node.id) && !node.retired()) {
                trace.add("n" + node.id + " is no longer a member (configuration applied at index " + newestIndex
                        + "): retiring it");
                node.retire();
            }
        }
    }

    static boolean isMember(ConfState conf, long id) {
        return conf.voters().contains(id) || conf.learners().contains(id) || conf.votersOutgoing().contains(id)
                || conf.learnersNext().contains(id);
    }
}
