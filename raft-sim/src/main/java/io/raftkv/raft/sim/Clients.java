package io.raftkv.raft.sim;

import io.raftkv.check.Call;
import io.raftkv.check.EventType;
import io.raftkv.raft.Entry;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.ReadState;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The client processes of one seed. Each has at most one operation outstanding; it sends it to the
 * node it believes leads (or any member), records invoke and completion in the {@link HistoryLog},
 * and waits for the outcome:
 * <ul>
 *   <li>a write proposed at (index, term) on node N completes when N applies that index: ok (a cas
 *       whose compare failed: fail) if the entry there is this very command, else info;</li>
 *   <li>a proposal the core drops, or a request to a down node, is fail: it took no effect;</li>
 *   <li>a crash of N, a snapshot that jumps past the index, or the timeout make a write info;</li>
 *   <li>a read completes ok with N's value once N's ReadState for it arrives and N has applied
 *       through its index; otherwise it fails (a read has no effect).</li>
 * </ul>
 * After an info outcome the client continues as a new process, as in Jepsen. Not thread-safe.
 */
final class Clients {
    /** Process ids of final reads start here, above any client process. */
    static final int FINAL_READ_PROCESS = 1_000_000;

    private final Cluster cluster;
    private final HistoryLog history;
    private final SplittableRandom random;
    private final Workload workload;
    private final Trace trace;
    private final int[] processes;
    private final ClientOp[] outstanding;
    private final long[] idleUntil;
    /**
     * The node each client believes leads (0: ask afresh). A client keeps using it until it fails
     * or times out, like a real client library: that is how a client stays with a deposed leader.
     */
    private final long[] knownLeader;
    /** The last value proposed per key (0 if none): a cas expecting it has a fair chance to match. */
    private final long[] lastProposed;
    private long nextOpId = 1;
    private long nextValue = 1;
    private boolean invoking = true;
    private int completed;
    private boolean lastFinalReadOk;
    /** Every write acknowledged ok: it must survive to the end. */
    private final List<Acknowledged> acknowledged = new ArrayList<>();

    /** A write acknowledged to its client: the entry at (index, term) carrying op opId. */
    record Acknowledged(long index, long term, long opId, String description) {}

    Clients(Cluster cluster, HistoryLog history, SplittableRandom random, Workload workload) {
        this.cluster = cluster;
        this.history = history;
        this.random = random;
        this.workload = workload;
        this.trace = cluster.trace();
        // One more slot than clients: the last one is the final reader.
        this.processes = new int[workload.clients() + 1];
        this.outstanding = new ClientOp[workload.clients() + 1];
        this.idleUntil = new long[workload.clients() + 1];
        this.knownLeader = new long[workload.clients() + 1];
        for (int i = 0; i < workload.clients(); i++) {
            processes[i] = i;
        }
        processes[workload.clients()] = FINAL_READ_PROCESS;
        this.lastProposed = new long[workload.keys()];
    }

    int completed() {
        return completed;
    }

    /** Clients stop starting operations; outstanding ones still finish or time out. */
    void stopInvoking() {
        invoking = false;
    }

    boolean idle() {
        for (ClientOp op : outstanding) {
            if (op != null) {
                return false;
            }
        }
        return true;
    }

    long newOpId() {
        return nextOpId++;
    }

    /** Times out overdue operations, then lets idle clients start new ones. */
    void step() {
        long now = cluster.now();
        for (ClientOp op : outstanding) {
            if (op != null && now >= op.deadline) {
                if (op.stage == ClientOp.Stage.HELD) {
                    complete(op, EventType.FAIL, null, "timed out before the paused node read it");
                } else {
                    complete(op, op.isRead() ? EventType.FAIL : EventType.INFO, null, "timed out");
                }
            }
        }
        if (!invoking) {
            return;
        }
        for (int client = 0; client < workload.clients(); client++) {
            if (outstanding[client] == null && now >= idleUntil[client]) {
                invoke(client);
            }
        }
    }

    private void invoke(int client) {
        int key = random.nextInt(workload.keys());
        double kind = random.nextDouble();
        SimNode target = pickTarget(client);
        long opId = nextOpId++;
        ClientOp op;
        if (kind < workload.readShare()) {
            op = new ClientOp(client, processes[client], opId, key, Call.read(), null, target.id, deadline());
        } else if (kind < workload.readShare() + workload.casShare()) {
            long expected = random.nextInt(4) == 0 ? 0 : lastProposed[key];
            long value = nextValue++;
            op = new ClientOp(client, processes[client], opId, key, Call.cas(valueOf(expected), value),
                    KvCommand.cas(processes[client], opId, key, expected, value), target.id, deadline());
        } else {
            long value = nextValue++;
            op = new ClientOp(client, processes[client], opId, key, Call.write(value),
                    KvCommand.put(processes[client], opId, key, value), target.id, deadline());
        }
        start(op);
    }

    /** A final read of {@code key} at {@code node} by the final reader; the reader must be idle. */
    void finalRead(int key, SimNode node) {
        int reader = workload.clients();
        SimulationViolation.check(outstanding[reader] == null, "simulator", "final reader is busy");
        start(new ClientOp(reader, processes[reader], nextOpId++, key, Call.read(), null, node.id, deadline()));
    }

    boolean finalReaderIdle() {
        return outstanding[workload.clients()] == null;
    }

    /** Whether the last final read completed ok. */
    boolean lastFinalReadOk() {
        return lastFinalReadOk;
    }

    List<Acknowledged> acknowledged() {
        return acknowledged;
    }

    private long deadline() {
        return cluster.now() + workload.opTimeoutTicks();
    }

    private void start(ClientOp op) {
        outstanding[op.client] = op;
        history.record(op.process, EventType.INVOKE, op.key, op.call, cluster.now());
        if (trace.on()) {
            trace.add("client p" + op.process + " invoke " + op.call.describe() + " k" + op.key + " -> n" + op.node
                    + (op.command != null ? " (op " + op.opId + ")" : ""));
        }
        SimNode node = cluster.node(op.node);
        if (!node.up()) {
            complete(op, EventType.FAIL, null, "n" + op.node + " is down");
        } else if (!node.paused()) {
            submit(op, node);
        }
    }

    private SimNode pickTarget(int client) {
        if (random.nextDouble() < workload.leaderShare()) {
            SimNode known = knownLeader[client] == 0 ? null : cluster.node(knownLeader[client]);
            if (known == null || known.retired()) {
                known = cluster.leader();
                knownLeader[client] = known == null ? 0 : known.id;
            }
            if (known != null) {
                return known;
            }
        }
        List<SimNode> candidates = new ArrayList<>();
        for (SimNode node : cluster.nodes()) {
            if (!node.retired()) {
                candidates.add(node);
            }
        }
        return candidates.get(random.nextInt(candidates.size()));
    }

    private void submit(ClientOp op, SimNode node) {
        op.incarnation = node.incarnation();
        if (op.isRead()) {
            ProposeResult result = node.raft().readIndex(op.opId);
            if (result instanceof ProposeResult.Dropped dropped) {
                complete(op, EventType.FAIL, null, "read index dropped: " + dropped.reason());
            } else {
                op.stage = ClientOp.Stage.READING;
            }
        } else {
            ProposeResult result = node.raft().propose(op.command.encode());
            switch (result) {
                case ProposeResult.Accepted accepted -> {
                    op.stage = ClientOp.Stage.PROPOSED;
                    op.index = accepted.index();
                    op.term = accepted.term();
                    lastProposed[op.key] = op.command.value();
                    if (trace.on()) {
                        trace.add("client p" + op.process + " proposed " + op.command + " at " + op.term + "/" + op.index
                                + " on n" + op.node);
                    }
                }
                case ProposeResult.Dropped dropped -> complete(op, EventType.FAIL, null, "proposal dropped: "
                        + dropped.reason());
                case ProposeResult.Pending pending -> throw new SimulationViolation("simulator", "propose returned Pending");
            }
        }
        node.drain();
    }

    /** The node resumed from a pause: the requests sent to it meanwhile are read first. */
    void onResume(SimNode node) {
        for (ClientOp op : outstanding) {
            if (op != null && op.node == node.id && op.stage == ClientOp.Stage.HELD && node.accepting()) {
                submit(op, node);
            }
        }
    }

    void onApplied(SimNode node, Entry entry, KvCommand command, boolean tookEffect) {
        for (ClientOp op : outstanding) {
            if (op == null || op.stage != ClientOp.Stage.PROPOSED || op.node != node.id || op.index != entry.index()
                    || op.incarnation != node.incarnation()) {
                continue;
            }
            if (entry.term() == op.term && command != null && command.opId() == op.opId) {
                complete(op, tookEffect ? EventType.OK : EventType.FAIL, null,
                        tookEffect ? "applied" : "applied, compare did not match");
            } else {
                complete(op, EventType.INFO, null, "n" + node.id + " applied another entry at " + entry.index()
                        + " (term " + entry.term() + ")");
            }
        }
    }

    void onSnapshotRestored(SimNode node, long index) {
        for (ClientOp op : outstanding) {
            if (op != null && op.stage == ClientOp.Stage.PROPOSED && op.node == node.id && op.index <= index) {
                complete(op, EventType.INFO, null, "n" + node.id + " installed a snapshot past it");
            }
        }
    }

    void onReadReady(SimNode node, ReadState readState) {
        for (ClientOp op : outstanding) {
            if (op != null && op.stage == ClientOp.Stage.READING && op.node == node.id && op.opId == readState.context()
                    && op.incarnation == node.incarnation()) {
                long value = node.machine().get(op.key);
                complete(op, EventType.OK, Call.read(valueOf(value)), "read at index " + readState.index()
                        + " (applied " + node.machine().applied() + ")");
            }
        }
    }

    void onDown(SimNode node) {
        for (ClientOp op : outstanding) {
            if (op == null || op.node != node.id) {
                continue;
            }
            if (op.stage == ClientOp.Stage.HELD || op.isRead()) {
                complete(op, EventType.FAIL, null, "n" + node.id + " went down");
            } else {
                complete(op, EventType.INFO, null, "n" + node.id + " went down");
            }
        }
    }

    private void complete(ClientOp op, EventType type, Call result, String why) {
        Call call = result != null ? result : op.call;
        history.record(op.process, type, op.key, call, cluster.now());
        if (trace.on()) {
            trace.add("client p" + op.process + " " + type.jsonName() + " " + call.describe() + " k" + op.key + " (" + why + ")");
        }
        outstanding[op.client] = null;
        completed++;
        if (type == EventType.INFO || (type == EventType.FAIL && op.stage != ClientOp.Stage.PROPOSED)) {
            // No answer, or a refusal: the client looks for the leader again next time.
            knownLeader[op.client] = 0;
        }
        if (type == EventType.OK && !op.isRead()) {
            acknowledged.add(new Acknowledged(op.index, op.term, op.opId, op.command.toString()));
        }
        if (op.client == workload.clients()) {
            lastFinalReadOk = type == EventType.OK;
        }
        if (type == EventType.INFO) {
            // Its outcome is open forever: the client goes on as a new process.
            processes[op.client] += outstanding.length;
        }
        idleUntil[op.client] = cluster.now() + 1 + random.nextInt(workload.thinkTicksMax() + 1);
    }

    /** The checker's form of a register value: 0 is a missing key. */
    private static Object valueOf(long value) {
        return value == 0 ? null : value;
    }
}
