package io.raftkv.raft.tracker;

import io.raftkv.raft.quorum.VoteResult;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The membership in force, the leader's progress for every member, and the votes of the current
 * election. Peers are iterated in id order so runs are deterministic. Not thread-safe; owned by the
 * raft loop.
 */
public final class ProgressTracker {
    private TrackerConfig config;
    private TreeMap<Long, Progress> progress;
    private final Map<Long, Boolean> votes = new HashMap<>();

    public ProgressTracker(TrackerConfig config, TreeMap<Long, Progress> progress) {
        this.config = config;
        this.progress = progress;
    }

    public TrackerConfig config() {
        return config;
    }

    public SortedMap<Long, Progress> progress() {
        return progress;
    }

    public Progress get(long id) {
        return progress.get(id);
    }

    /** Replaces membership and progress together; the confchange package computes both. */
    public void reset(TrackerConfig newConfig, TreeMap<Long, Progress> newProgress) {
        this.config = newConfig;
        this.progress = newProgress;
    }

    public boolean isVoter(long id) {
        return config.voters().contains(id);
    }

    /** Whether this node alone forms a quorum: then it commits and wins without messages. */
    public boolean isSingleton() {
        return config.voters().ids().size() == 1 && !config.voters().isJoint();
    }

    /** The largest index a quorum (of both halves when joint) has persisted. */
    public long committedIndex() {
        Map<Long, Long> acked = new HashMap<>();
        for (Map.Entry<Long, Progress> entry : progress.entrySet()) {
            acked.put(entry.getKey(), entry.getValue().match());
        }
        return config.voters().committedIndex(acked);
    }

    /** Whether a quorum was heard from since the last call; resets the marks, keeping {@code self}'s. */
    public boolean quorumActiveAndReset(long self) {
        Map<Long, Boolean> active = new HashMap<>();
        for (Map.Entry<Long, Progress> entry : progress.entrySet()) {
            long id = entry.getKey();
            active.put(id, id == self || entry.getValue().recentActive());
            if (id != self) {
                entry.getValue().setRecentActive(false);
            }
        }
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    public void resetVotes() {
        votes.clear();
    }

    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    public VoteResult voteResult() {
        return config.voters().voteResult(votes);
    }

    public int grantedCount() {
        return (int) votes.values().stream().filter(granted -> granted).count();
    }

    public int rejectedCount() {
        return votes.size() - grantedCount();
    }
}
