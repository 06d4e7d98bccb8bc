package io.raftkv.raft.read;

import io.raftkv.raft.Invariants;
import io.raftkv.raft.quorum.JointConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The leader's read-index requests (thesis §6.4). Each request joins a heartbeat round numbered by a
 * monotonic counter; a follower that answers a heartbeat of round r has confirmed our leadership at
 * a moment after every request of rounds at or below r was registered, so once a quorum has answered
 * round r, every request of rounds up to r may be served at the commit index it recorded. Requests
 * that arrive before the leader has committed an entry of its term wait here too, since until then
 * its commit index may be behind an earlier leader's.
 * Bounded by {@code capacity}. Not thread-safe; owned by the raft loop.
 */
public final class ReadIndexQueue {
    /** A read waiting for its round: who asked (self or a follower), their context, and the index. */
    public record PendingRead(long round, long requester, long context, long index) {}

    private final int capacity;
    private final ArrayDeque<PendingRead> confirming = new ArrayDeque<>();
    private final ArrayDeque<PendingRead> waitingForCommit = new ArrayDeque<>();
    private final Map<Long, Long> ackedRound = new HashMap<>();

    public ReadIndexQueue(int capacity) {
        this.capacity = capacity;
    }

    public boolean full() {
        return confirming.size() + waitingForCommit.size() >= capacity;
    }

    public int size() {
        return confirming.size() + waitingForCommit.size();
    }

    /** Parks a read until the leader commits an entry of its own term. */
    public void waitForCommit(long requester, long context) {
        Invariants.check(!full(), "read-index queue full at %d", capacity);
        waitingForCommit.add(new PendingRead(0, requester, context, 0));
    }

    /** Takes the reads that waited for the leader's first commit, to start them now. */
    public List<PendingRead> drainWaitingForCommit() {
        List<PendingRead> out = new ArrayList<>(waitingForCommit);
        waitingForCommit.clear();
        return out;
    }

    public void add(long round, long requester, long context, long index) {
        Invariants.check(confirming.isEmpty() || confirming.getLast().round() < round,
                "read rounds must increase: %d after %d", round, confirming.isEmpty() ? 0 : confirming.getLast().round());
        confirming.add(new PendingRead(round, requester, context, index));
    }

    /** The newest round still waiting for confirmation, or 0 if none. */
    public long latestRound() {
        return confirming.isEmpty() ? 0 : confirming.getLast().round();
    }

    /**
     * Records that {@code from} answered a heartbeat of {@code round} and returns the reads now
     * confirmed by a quorum of {@code voters}, oldest first. {@code self} counts as having answered
     * every round.
     */
    public List<PendingRead> acknowledge(long from, long round, long self, JointConfig voters) {
        ackedRound.merge(from, round, Math::max);
        if (confirming.isEmpty()) {
            return List.of();
        }
        Map<Long, Long> acks = new HashMap<>(ackedRound);
        acks.put(self, confirming.getLast().round());
        long confirmed = voters.committedIndex(acks);
        List<PendingRead> released = new ArrayList<>();
        while (!confirming.isEmpty() && confirming.getFirst().round() <= confirmed) {
            released.add(confirming.removeFirst());
        }
        return released;
    }
}
