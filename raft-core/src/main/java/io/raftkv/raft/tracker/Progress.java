package io.raftkv.raft.tracker;

import io.raftkv.raft.Invariants;

/**
 * The leader's view of one follower's log. Invariant: {@code 0 <= match < next}. Every state
 * transition is a method here. Not thread-safe; owned by the raft loop.
 */
public final class Progress {
    private long match;
    private long next;
    private ProgressState state = ProgressState.PROBE;
    /** In SNAPSHOT state: the index of the snapshot being sent. */
    private long pendingSnapshot;
    /** In PROBE state: an append was sent since the last heartbeat response; wait before another. */
    private boolean probeSent;
    /** Heard from since the last check-quorum round. */
    private boolean recentActive;
    private final boolean learner;
    private final Inflights inflights;

    public Progress(long next, Inflights inflights, boolean learner) {
        Invariants.check(next > 0, "progress next must be > 0, got %d", next);
        this.next = next;
        this.inflights = inflights;
        this.learner = learner;
    }

    /** A copy with a different learner flag, keeping what we know of the follower's log. */
    public Progress withLearner(boolean asLearner) {
        Progress copy = new Progress(next, inflights, asLearner);
        copy.match = match;
        copy.state = state;
        copy.pendingSnapshot = pendingSnapshot;
        copy.probeSent = probeSent;
        copy.recentActive = recentActive;
        return copy;
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean isLearner() {
        return learner;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean active) {
        recentActive = active;
    }

    public Inflights inflights() {
        return inflights;
    }

    private void resetState(ProgressState newState) {
        probeSent = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    public void becomeProbe() {
        if (state == ProgressState.SNAPSHOT) {
            // Resume after the snapshot: the follower has at least what it covered.
            long snapshotIndex = pendingSnapshot;
            resetState(ProgressState.PROBE);
            next = Math.max(match + 1, snapshotIndex + 1);
        } else {
            resetState(ProgressState.PROBE);
            next = match + 1;
        }
    }

    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    /**
     * An append response acknowledged {@code index}. Returns false for a stale acknowledgement that
     * teaches nothing new.
     */
    public boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
        }
        next = Math.max(next, index + 1);
        checkInvariant();
        return updated;
    }

    /** Optimistic update after sending entries up to {@code lastSent} in REPLICATE state. */
    public void sentEntries(long lastSent, long bytes, int entryCount) {
        if (state == ProgressState.REPLICATE) {
            if (entryCount > 0) {
                next = lastSent + 1;
                inflights.add(lastSent, bytes);
            }
        } else if (state == ProgressState.PROBE) {
            probeSent = true;
        } else {
            throw new AssertionError("sending entries in state " + state);
        }
    }

    /**
     * A rejection of the append at {@code rejected}; {@code matchHint} is the index the follower
     * suggests probing next. Returns false when the rejection is stale.
     */
    public boolean maybeDecreaseTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            // Rejections of appends below match are stale: we already know they matched.
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        // In PROBE, only the rejection of the append we last probed with counts.
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        probeSent = false;
        checkInvariant();
        return true;
    }

    /** Whether the leader should hold back appends to this follower for now. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflights.full();
            case SNAPSHOT -> true;
        };
    }

    /** A heartbeat response arrived: a probing follower may be probed again. */
    public void onHeartbeatResponse() {
        probeSent = false;
        if (state == ProgressState.REPLICATE && inflights.full()) {
            // The follower is alive but our window is full: if every append in it was lost, no
            // response would ever free it and replication would stall for good. Free the oldest
            // slot so one more append goes out; a gap makes the follower reject it and we fall back
            // to probing from match (etcd's Inflights.FreeFirstOne on MsgHeartbeatResp).
            inflights.freeFirstOne();
        }
    }

    private void checkInvariant() {
        Invariants.check(match < next, "progress must have match < next: match=%d next=%d", match, next);
    }

    @Override
    public String toString() {
        return state + " match=" + match + " next=" + next
                + (learner ? " learner" : "")
                + (state == ProgressState.SNAPSHOT ? " pendingSnapshot=" + pendingSnapshot : "")
                + (inflights.count() > 0 ? " inflight=" + inflights.count() : "");
    }
}
