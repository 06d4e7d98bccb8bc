package io.raftkv.raft.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Message;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.StateRole;
import io.raftkv.raft.log.MemoryLogStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One simulated node: its disk (a {@link MemoryLogStorage} that survives crashes), and while it is
 * up a {@link RaftNode} and an in-memory {@link KvStateMachine}. The driver carries out each Ready
 * in the order {@link Ready} prescribes, and may be armed to crash inside one (see
 * {@link CrashPoint}). A paused node (a
 * long GC pause) neither ticks nor reads its input; messages wait for it. Not thread-safe; owned by
 * the seed's thread.
 */
final class SimNode {
    /** Where an armed crash hits inside the next Ready. */
    enum CrashPoint {
        /** messagesNow left; entries and hard state are lost. */
        BEFORE_PERSIST,
        /** Persisted; the acknowledgements (messagesAfterPersist) never leave. */
        BEFORE_ACKS,
        /** Persisted and acknowledged; nothing applied. */
        BEFORE_APPLY,
        /** Applied; advance never called. */
        BEFORE_ADVANCE
    }

    /** One input produces a few Readies (advance may start new work); a loop means a bug. */
    static final int READIES_PER_INPUT_MAX = 1_000;
    static final int WAITING_READS_MAX = 10_000;
    static final int HELD_INPUTS_MAX = 100_000;

    final long id;
    final MemoryLogStorage disk;
    private final Cluster cluster;
    private RaftNode raft;
    private KvStateMachine machine;
    private int incarnation;
    private boolean retired;
    /** The hard state this life last handed out (or loaded from disk at start). */
    private HardState hardState = HardState.EMPTY;
    /**
     * The commit index on disk as of the last synced write. A Ready without mustSync changes only
     * the commit index and need not be synced, so a crash loses such changes (and we lose them).
     */
    private long syncedCommit;
    private SoftState softState = new SoftState(0, StateRole.FOLLOWER);
    private final ArrayList<ReadState> waitingReads = new ArrayList<>();
    private CrashPoint armedCrash;
    private boolean paused;
    /** Input that reached the node while it was paused (messages, transport feedback), in order. */
    private final ArrayList<Consumer<RaftNode>> held = new ArrayList<>();

    SimNode(long id, MemoryLogStorage disk, Cluster cluster) {
        this.id = id;
        this.disk = disk;
        this.cluster = cluster;
    }

    Cluster cluster() {
        return cluster;
    }

    boolean up() {
        return raft != null;
    }

    boolean paused() {
        return paused;
    }

    boolean retired() {
        return retired;
    }

    /** Up and not paused: it takes input now. */
    boolean accepting() {
        return raft != null && !paused;
    }

    int incarnation() {
        return incarnation;
    }

    /** The node's RaftNode for a direct input; the caller must {@link #drain()} afterwards. */
    RaftNode raft() {
        Invariants.check(raft != null, "n%d is down", id);
        return raft;
    }

    KvStateMachine machine() {
        Invariants.check(machine != null, "n%d is down", id);
        return machine;
    }

    StateRole role() {
        return softState.role();
    }

    long term() {
        return hardState.term();
    }

    void start(long seed) {
        Invariants.check(raft == null && !retired, "n%d started while up or retired", id);
        incarnation++;
        raft = new RaftNode(cluster.config(id, seed), disk);
        machine = KvStateMachine.restore(disk.snapshot(), cluster.keys());
        if (!disk.snapshot().isEmpty()) {
            cluster.monitor().onState(id, machine.applied(), machine.digest(), "restarting from its snapshot");
        }
        hardState = disk.hardState();
        syncedCommit = hardState.commit();
        softState = new SoftState(0, StateRole.FOLLOWER);
        cluster.monitor().onStarted(id, raft, disk);
        trace("started (life " + incarnation + ") term=" + hardState.term() + " commit=" + hardState.commit()
                + " snapshot=" + disk.snapshot().index() + " last=" + disk.lastIndex());
        drain();
    }

    void crash(String why) {
        if (raft == null) {
            return;
        }
        trace("CRASHED " + why);
        HardState onDisk = disk.hardState();
        if (onDisk.commit() != syncedCommit) {
            disk.setHardState(new HardState(onDisk.term(), onDisk.vote(), syncedCommit));
            trace("lost its unsynced commit index " + onDisk.commit() + " (back to " + syncedCommit + ")");
        }
        raft = null;
        machine = null;
        waitingReads.clear();
        held.clear();
        armedCrash = null;
        paused = false;
        softState = new SoftState(0, StateRole.FOLLOWER);
        cluster.events().onDown(this);
    }

    /** Removed from the cluster and shut down for good, as an operator does after a removal. */
    void retire() {
        retired = true;
        crash("(retired: removed from the configuration)");
    }

    void armCrash(CrashPoint point) {
        armedCrash = point;
    }

    void disarmCrash() {
        armedCrash = null;
    }

    boolean crashArmed() {
        return armedCrash != null;
    }

    void pause() {
        Invariants.check(raft != null, "n%d paused while down", id);
        paused = true;
    }

    /** Ends a pause: the input that arrived meanwhile is read now, in arrival order. */
    void resume() {
        paused = false;
        List<Consumer<RaftNode>> backlog = new ArrayList<>(held);
        held.clear();
        for (Consumer<RaftNode> input : backlog) {
            if (raft == null) {
                return;
            }
            input.accept(raft);
            drain();
        }
    }

    void receive(Message message) {
        if (paused) {
            hold(raft -> raft.step(message));
            return;
        }
        raft.step(message);
        drain();
    }

    /** Transport feedback (snapshot status, unreachable peer); a paused node reads it when it resumes. */
    void feedback(Consumer<RaftNode> input) {
        if (paused) {
            hold(input);
            return;
        }
        input.accept(raft);
        drain();
    }

    private void hold(Consumer<RaftNode> input) {
        Invariants.check(held.size() < HELD_INPUTS_MAX, "n%d holds %d inputs while paused", id, held.size());
        held.add(input);
    }

    void tick() {
        raft.tick();
        drain();
    }

    /** Carries out every Ready the node has. */
    void drain() {
        for (int i = 0; raft != null && raft.hasReady(); i++) {
            Invariants.check(i < READIES_PER_INPUT_MAX, "n%d produced %d Readies for one input", id, i);
            handle(raft.ready());
        }
    }

    private void handle(Ready ready) {
        boolean committed = false;
        if (ready.hardState() != null) {
            HardState before = hardState;
            hardState = ready.hardState();
            cluster.monitor().onHardState(id, before, hardState);
            if (hardState.commit() > before.commit()) {
                cluster.monitor().onCommitted(id, hardState.term(), before.commit(), hardState.commit(), raft);
                committed = true;
            }
        }
        if (!ready.softState().equals(softState)) {
            onSoftState(ready.softState());
        }
        if (committed && softState.role() == StateRole.LEADER) {
            cluster.events().onLeaderCommitted(this);
        }
        send(ready.messagesNow());
        if (armedCrash == CrashPoint.BEFORE_PERSIST) {
            crash("inside Ready " + ready.number() + ": messagesNow sent, " + ready.entries().size()
                    + " entries and hard state not persisted");
            return;
        }
        persist(ready);
        if (armedCrash == CrashPoint.BEFORE_ACKS) {
            crash("inside Ready " + ready.number() + ": persisted, acknowledgements not sent");
            return;
        }
        send(ready.messagesAfterPersist());
        if (armedCrash == CrashPoint.BEFORE_APPLY) {
            crash("inside Ready " + ready.number() + ": persisted and acknowledged, nothing applied");
            return;
        }
        apply(ready);
        if (armedCrash == CrashPoint.BEFORE_ADVANCE) {
            crash("inside Ready " + ready.number() + ": applied, not advanced");
            return;
        }
        raft.advance(ready);
    }

    private void onSoftState(SoftState next) {
        boolean becameLeader = next.role() == StateRole.LEADER && softState.role() != StateRole.LEADER;
        if (cluster.trace().on() && (next.role() != softState.role() || next.role() != StateRole.LEADER)) {
            trace("became " + next.role() + " term=" + hardState.term()
                    + (next.role() == StateRole.LEADER || next.leader() == 0 ? "" : " leader=n" + next.leader()));
        }
        softState = next;
        if (becameLeader) {
            cluster.monitor().onBecameLeader(id, hardState.term(), raft, disk);
            cluster.events().onBecameLeader(this);
        }
    }

    private void send(List<Message> messages) {
        for (Message message : messages) {
            cluster.monitor().checkPromise(id, message, disk);
            cluster.send(this, message);
        }
    }

    private void persist(Ready ready) {
        if (ready.snapshot() != null) {
            disk.applySnapshot(ready.snapshot());
        }
        disk.append(ready.entries());
        if (ready.hardState() != null) {
            disk.setHardState(ready.hardState());
        }
        if (ready.mustSync()) {
            // A sync makes everything written so far durable, earlier unsynced writes included.
            syncedCommit = disk.hardState().commit();
        }
        cluster.monitor().onPersisted(id, ready.entries(), disk);
    }

    private void apply(Ready ready) {
        if (ready.snapshot() != null) {
            machine = KvStateMachine.restore(ready.snapshot(), cluster.keys());
            cluster.monitor().onState(id, machine.applied(), machine.digest(), "installing a snapshot");
            trace("installed snapshot index=" + ready.snapshot().index() + " term=" + ready.snapshot().term());
            cluster.events().onSnapshotRestored(this, ready.snapshot().index());
        }
        for (Entry entry : ready.committedEntries()) {
            KvCommand command = machine.apply(entry);
            cluster.monitor().onApplied(id, entry, machine.digest());
            cluster.events().onApplied(this, entry, command, machine.lastMatched());
        }
        waitingReads.addAll(ready.readStates());
        serveReads();
    }

    /** Serves, in arrival order, the read indexes the state machine has caught up with. */
    private void serveReads() {
        Invariants.check(waitingReads.size() <= WAITING_READS_MAX, "n%d has %d reads waiting", id, waitingReads.size());
        if (waitingReads.isEmpty()) {
            return;
        }
        List<ReadState> ready = new ArrayList<>();
        waitingReads.removeIf(read -> read.index() <= machine.applied() && ready.add(read));
        for (ReadState read : ready) {
            cluster.events().onReadReady(this, read);
        }
    }

    /** Snapshots the state machine at its applied index and compacts the disk's log up to it. */
    boolean compact() {
        long applied = machine.applied();
        if (applied <= disk.snapshot().index() || applied > disk.lastIndex()) {
            return false;
        }
        disk.createSnapshot(applied, machine.confState(), machine.serialize());
        trace("compacted its log: snapshot index=" + applied + " term=" + disk.snapshot().term());
        return true;
    }

    private void trace(String event) {
        if (cluster.trace().on()) {
            cluster.trace().add("n" + id + " " + event);
        }
    }

    @Override
    public String toString() {
        return "n" + id;
    }
}
