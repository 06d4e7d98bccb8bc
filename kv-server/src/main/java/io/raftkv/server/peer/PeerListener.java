package io.raftkv.server.peer;

/**
 * What the transport tells the raft loop about delivery. Called from transport threads (sender
 * threads, snapshot threads, the raft loop itself when a queue is full), so implementations must
 * be thread-safe and must not block: the intended one puts an event on the raft loop's bounded
 * queue, and the loop then calls {@code node.reportUnreachable} or {@code node.reportSnapshot}.
 */
public interface PeerListener {
    /**
     * Messages to {@code peer} were dropped (queue full, stream failed, unknown peer). Raft moves
     * the peer to probing and resends what matters. Coalesced: reported once per episode, not per
     * dropped message; a new episode starts after a batch reaches the peer again.
     */
    void unreachable(long peer);

    /** The snapshot most recently handed to the transport for {@code peer} finished; ok = the peer installed it. */
    void snapshotDone(long peer, boolean ok);
}
