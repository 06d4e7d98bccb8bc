package io.raftkv.raft;

import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.log.LogStorage;
import io.raftkv.raft.tracker.Progress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The core's public face: a Raft node as a deterministic state machine. Inputs are {@link #step},
 * {@link #tick}, {@link #propose}, {@link #readIndex}, {@link #proposeConfChange} and
 * {@link #transferLeader}; output is a {@link Ready} the driver carries out and confirms with
 * {@link #advance}. No threads, clocks, I/O or unseeded randomness: the same inputs give the same
 * outputs. Not thread-safe; owned by one thread (the raft loop, or the simulator).
 */
public final class RaftNode {
    private final Raft raft;
    private HardState lastHardState;
    private SoftState lastSoftState;
    private long readyNumber;
    /** The Ready handed out and not yet advanced, or null. */
    private Ready outstanding;

    public RaftNode(Config config, LogStorage storage) {
        this.raft = new Raft(config, storage);
        this.lastHardState = storage.hardState();
        this.lastSoftState = raft.softState();
    }

    public long id() {
        return raft.id;
    }

    /** One unit of logical time: the election and heartbeat timers are counted in ticks. */
    public void tick() {
        raft.tick();
    }

    /** A message from a peer. Messages of older terms are answered or dropped as Raft says. */
    public void step(Message message) {
        raft.step(message);
    }

    /** Starts an election now (tests, and operators forcing a campaign). */
    public void campaign() {
        raft.hup(false);
    }

    /** Appends a command to the leader's log; Accepted carries its index and term. */
    public ProposeResult propose(byte[] command) {
        return raft.propose(List.of(command), EntryType.NORMAL);
    }

    /** Appends several commands in one go (group commit): all are accepted or none. */
    public ProposeResult proposeAll(List<byte[]> commands) {
        return raft.propose(commands, EntryType.NORMAL);
    }

    /** Proposes a membership change; one may be pending at a time. */
    public ProposeResult proposeConfChange(ConfChange change) {
        return raft.proposeConfChange(change);
    }

    /**
     * Asks for a read index: the Ready that carries a ReadState with this context says the index at
     * which a local read becomes linearizable. A follower forwards the request to the leader.
     */
    public ProposeResult readIndex(long context) {
        return raft.readIndex(raft.id, context);
    }

    /** Hands leadership to {@code target} once it has caught up (leader only). */
    public ProposeResult transferLeader(long target) {
        return raft.transferLeader(target);
    }

    /** The transport could not reach a peer: stop pipelining to it and probe instead. */
    public void reportUnreachable(long peer) {
        raft.reportUnreachable(peer);
    }

    /** The snapshot stream to a peer finished or failed. */
    public void reportSnapshot(long peer, boolean success) {
        raft.reportSnapshot(peer, success);
    }

    public boolean hasReady() {
        Invariants.check(outstanding == null, "hasReady while Ready %d is outstanding", readyNumber);
        raft.flushAppends();
        return !raft.messagesNow.isEmpty() || !raft.messagesAfterPersist.isEmpty() || !raft.readStates.isEmpty()
                || raft.raftLog.hasUnstableEntries() || raft.raftLog.unstableSnapshot() != null
                || raft.raftLog.hasNextCommittedEntries()
                || !raft.hardState().equals(lastHardState) || !raft.softState().equals(lastSoftState);
    }

    /** The work to do now; call {@link #advance} with it before asking again. */
    public Ready ready() {
        Invariants.check(outstanding == null, "ready called twice without advance (Ready %d outstanding)", readyNumber);
        raft.flushAppends();
        HardState hardState = raft.hardState();
        List<Entry> entries = raft.raftLog.unstableEntries();
        boolean hardStateChanged = !hardState.equals(lastHardState);
        boolean mustSync = !entries.isEmpty() || hardState.term() != lastHardState.term()
                || hardState.vote() != lastHardState.vote() || raft.raftLog.unstableSnapshot() != null;
        outstanding = new Ready(++readyNumber, raft.softState(), hardStateChanged ? hardState : null, entries,
                raft.raftLog.unstableSnapshot(), raft.raftLog.nextCommittedEntries(raft.config.committedBytesPerReadyMax()),
                new ArrayList<>(raft.messagesNow), new ArrayList<>(raft.messagesAfterPersist),
                new ArrayList<>(raft.readStates), mustSync);
        raft.messagesNow.clear();
        raft.messagesAfterPersist.clear();
        raft.readStates.clear();
        lastSoftState = outstanding.softState();
        if (hardStateChanged) {
            lastHardState = hardState;
        }
        return outstanding;
    }

    /** The driver has done everything the Ready asked (see {@link Ready}). */
    public void advance(Ready ready) {
        Invariants.check(outstanding != null && outstanding.number() == ready.number(),
                "advance(%d) does not match the outstanding Ready %s", ready.number(),
                outstanding == null ? "none" : outstanding.number());
        outstanding = null;
        raft.persisted(ready.entries().isEmpty() ? null : ready.entries().getLast(), ready.snapshot());
        raft.applied(ready.committedEntries());
    }

    /** A read-only view of the node's state, for status endpoints, tests and the simulator's checks. */
    public Status status() {
        Map<Long, String> progress = new LinkedHashMap<>();
        if (raft.isLeader()) {
            for (Map.Entry<Long, Progress> entry : raft.tracker.progress().entrySet()) {
                progress.put(entry.getKey(), entry.getValue().toString());
            }
        }
        return new Status(raft.id, raft.term, raft.vote, raft.lead, raft.role.stateRole(), raft.raftLog.committed(),
                raft.raftLog.applied(), raft.raftLog.firstIndex(), raft.raftLog.lastIndex(),
                raft.tracker.config().toConfState(), raft.isLeader() ? raft.leader().transferee : 0, progress);
    }

    /**
     * The cheap part of {@link #status()}, for drivers that publish it on every turn: no per-peer
     * progress is formatted.
     */
    public Summary summary() {
        return new Summary(raft.id, raft.term, raft.lead, raft.role.stateRole(), raft.raftLog.committed(),
                raft.raftLog.lastIndex(), raft.tracker.config());
    }

    /** Term, leader, role, commit and last index, and the membership in force. */
    public record Summary(long id, long term, long leader, StateRole role, long commit, long lastIndex,
                          io.raftkv.raft.tracker.TrackerConfig config) {
        public ConfState confState() {
            return config.toConfState();
        }
    }

    /** A snapshot of a node's state; progress is filled on the leader only. */
    public record Status(long id, long term, long vote, long leader, StateRole role, long commit, long applied,
                         long firstIndex, long lastIndex, ConfState confState, long transferee,
                         Map<Long, String> progress) {
        public boolean isLearner() {
            return confState.learners().contains(id);
        }
    }

    /** On the leader: the highest index known replicated on {@code peer}; -1 when not leader or not a member. */
    public long matchIndex(long peer) {
        if (!raft.isLeader() || raft.tracker.get(peer) == null) {
            return -1;
        }
        return raft.tracker.get(peer).match();
    }

    /** The term of the entry at index in this node's log, or 0 if not held (for the simulator's checks). */
    public long termAt(long index) {
        return raft.raftLog.termOrZero(index);
    }

    /** Entries [low, high) of this node's log (for the simulator's checks). */
    public List<Entry> entries(long low, long high) {
        return raft.raftLog.slice(low, high, Long.MAX_VALUE);
    }
}
