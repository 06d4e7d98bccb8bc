package io.raftkv.raft.sim;

import io.raftkv.raft.Config;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Message;
import io.raftkv.raft.RaftLogger;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.StateRole;
import io.raftkv.raft.log.MemoryLogStorage;
import java.util.Collection;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The nodes of one seed (in id order), the network between them, and the virtual clock. Delivers
 * due messages and gives the transport's feedback a real one would: a lost InstallSnapshot is
 * reported as failed to its sender, a delivered one as finished, a cut link sometimes
 * as unreachable. Not thread-safe; one per seed.
 */
final class Cluster {
    private final Scenario scenario;
    private final Network network;
    private final SafetyMonitor monitor;
    private final Trace trace;
    private final SplittableRandom nodeSeeds;
    private final SplittableRandom transport;
    private final boolean coreLog;
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    /** The same nodes by id, for the per-message lookup without boxing. */
    private final SimNode[] byId = new SimNode[Links.NODE_ID_MAX + 1];
    private NodeEvents events;
    private long now;

    Cluster(Scenario scenario, Network network, SafetyMonitor monitor, Trace trace, SplittableRandom nodeSeeds,
            SplittableRandom transport, boolean coreLog) {
        this.scenario = scenario;
        this.network = network;
        this.monitor = monitor;
        this.trace = trace;
        this.nodeSeeds = nodeSeeds;
        this.transport = transport;
        this.coreLog = coreLog && trace.on();
    }

    void setEvents(NodeEvents events) {
        this.events = events;
    }

    /** Nodes 1..n, each with a disk holding the bootstrap snapshot of the initial voters. */
    void bootstrap() {
        long[] voters = new long[scenario.nodes()];
        for (int i = 0; i < voters.length; i++) {
            voters[i] = i + 1;
        }
        byte[] empty = KvStateMachine.empty(keys()).serialize();
        for (long id : voters) {
            add(new SimNode(id, MemoryLogStorage.bootstrap(ConfState.ofVoters(voters), empty), this));
        }
        for (SimNode node : nodes.values()) {
            node.start(nodeSeeds.nextLong());
        }
    }

    /** A new node with an empty disk, to be added as a learner; it learns everything from the leader. */
    SimNode addEmptyNode(long id) {
        Invariants.check(!nodes.containsKey(id) && id <= Links.NODE_ID_MAX, "node id %d taken or too large", id);
        SimNode node = new SimNode(id, new MemoryLogStorage(), this);
        add(node);
        node.start(nodeSeeds.nextLong());
        return node;
    }

    private void add(SimNode node) {
        nodes.put(node.id, node);
        byId[(int) node.id] = node;
    }

    void restart(SimNode node) {
        node.start(nodeSeeds.nextLong());
    }

    Config config(long id, long seed) {
        RaftLogger logger = coreLog ? new TraceLogger(trace) : RaftLogger.DISCARD;
        return scenario.raft().config(id, seed, scenario.brokenRules(), logger);
    }

    int keys() {
        return scenario.workload().keys();
    }

    SimNode node(long id) {
        return id > 0 && id < byId.length ? byId[(int) id] : null;
    }

    /** Every node ever created, in id order (retired ones included). */
    Collection<SimNode> nodes() {
        return nodes.values();
    }

    long nextNodeId() {
        return nodes.lastKey() + 1;
    }

    SafetyMonitor monitor() {
        return monitor;
    }

    Trace trace() {
        return trace;
    }

    NodeEvents events() {
        return events;
    }

    Network network() {
        return network;
    }

    long now() {
        return now;
    }

    void setNow(long tick) {
        now = tick;
        trace.setTime(tick);
    }

    void send(SimNode from, Message message) {
        network.send(message, from.incarnation(), now);
    }

    /** Delivers every message due now, in order; each delivery runs the receiver's Readies. */
    void deliverDue() {
        for (Network.InFlight flight : network.takeDue(now)) {
            Message message = flight.message();
            SimNode target = node(message.to());
            boolean cut = network.links().isCut(message.from(), message.to());
            if (target == null || !target.up() || network.lostOrCut(message)) {
                dropped(flight, cut);
                continue;
            }
            target.receive(message);
            network.countDelivered();
            if (message instanceof Message.InstallSnapshot) {
                // The stream finished: a transport says so (the core's contract for reportSnapshot).
                // The follower's own answer may still be lost on the way back.
                feedback(flight, raft -> raft.reportSnapshot(message.to(), true));
            }
        }
    }

    private void dropped(Network.InFlight flight, boolean cut) {
        Message message = flight.message();
        if (message instanceof Message.InstallSnapshot) {
            // A real transport learns that the snapshot stream failed and says so.
            feedback(flight, raft -> raft.reportSnapshot(message.to(), false));
        } else if (cut && transport.nextInt(4) == 0) {
            feedback(flight, raft -> raft.reportUnreachable(message.to()));
        }
    }

    /** Transport feedback reaches the sender only in the life that sent the message. */
    private void feedback(Network.InFlight flight, Consumer<RaftNode> input) {
        SimNode sender = node(flight.message().from());
        if (sender != null && sender.up() && sender.incarnation() == flight.senderIncarnation()) {
            sender.feedback(input);
        }
    }

    void tickNodes() {
        for (SimNode node : nodes.values()) {
            if (node.accepting()) {
                node.tick();
            }
        }
    }

    /** The up node that believes it leads, with the highest term; null if none. */
    SimNode leader() {
        SimNode leader = null;
        for (SimNode node : nodes.values()) {
            if (node.up() && node.role() == StateRole.LEADER && (leader == null || node.term() > leader.term())) {
                leader = node;
            }
        }
        return leader;
    }

    private record TraceLogger(Trace trace) implements RaftLogger {
        @Override
        public void info(String line) {
            trace.add("  core: " + line);
        }

        @Override
        public void warn(String line) {
            trace.add("  core WARN: " + line);
        }

        @Override
        public void debug(String line) {
        }
    }
}
