package io.raftkv.server.loop;

import io.raftkv.raft.Invariants;

/**
 * The applied indexes at which one node starts its checkpoints: every {@code interval} entries, on a
 * grid shifted by (id mod 3) thirds of the interval.
 *
 * <p>Every node applies the same entries, so with one grid they would all checkpoint, flush and sync
 * at the same index, and both followers of a commit would slow down at once; shifted, at most one
 * node of three is at it. The grid is fixed by the node id, not counted from the last checkpoint:
 * a checkpoint runs on its own thread and captures whatever is applied when it gets there, so
 * counting from its index would add that delay to every interval and the nodes would drift back
 * together (CI saw three nodes at 81, 71 and 64 after three intervals of 30).
 */
public record CheckpointSchedule(long interval, long phase) {
    public CheckpointSchedule {
        Invariants.check(interval > 0, "checkpoint interval %d is not positive", interval);
        Invariants.check(phase >= 0 && phase < interval, "phase %d is outside [0, %d)", phase, interval);
    }

    public static CheckpointSchedule forNode(long nodeId, long interval) {
        return new CheckpointSchedule(interval, Math.floorMod(nodeId, 3) * (interval / 3));
    }

    /** The newest point of this node's grid at or below {@code index}; may be negative near the start. */
    public long pointAtOrBelow(long index) {
        return Math.floorDiv(Math.addExact(index, phase), interval) * interval - phase;
    }

    /** Whether a node whose last checkpoint started at grid point {@code start} is due at {@code applied}. */
    public boolean due(long start, long applied) {
        return applied - start >= interval;
    }

    /** How many entries of the current interval, begun at grid point {@code start}, are left at {@code applied}. */
    public long remaining(long start, long applied) {
        return interval - (applied - start);
    }
}
