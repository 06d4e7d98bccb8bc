package io.raftkv.server.http;

/**
 * Decides readiness the way {@code /ready} documents it: a leader is known, and the state machine
 * has applied everything that was committed when this node first learned of a leader. Until then
 * a serializable read here could return data older than what the node had already acknowledged
 * before a restart. After it caught up once, the node stays ready while it knows a leader.
 *
 * <p>Thread-safe. Call {@link #evaluate} with a consistent view of the raft state (for example
 * the loop's last published status); the HTTP thread calls it on each {@code /ready}.
 */
public final class ReadinessGate {
    /** The commit index seen when a leader was first known; -1 until then. */
    private long catchUpIndex = -1;
    private boolean caughtUp;

    /**
     * @param leaderId     the leader this node knows, 0 for none
     * @param commitIndex  this node's commit index
     * @param appliedIndex the state machine's applied index
     */
    public synchronized Readiness evaluate(long leaderId, long commitIndex, long appliedIndex) {
        if (leaderId == 0) {
            return Readiness.notReady("no leader known");
        }
        if (catchUpIndex < 0) {
            catchUpIndex = commitIndex;
        }
        if (!caughtUp && appliedIndex < catchUpIndex) {
            return Readiness.notReady("applied index " + appliedIndex + " is behind the commit index "
                    + catchUpIndex + " seen when leader " + leaderId + " became known");
        }
        caughtUp = true;
        return Readiness.READY;
    }
}
