package io.raftkv.raft.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.ReadState;

/**
 * What a node's driver tells the rest of the simulation (clients, the liveness probe, membership)
 * while it carries out a Ready. Called on the seed's single thread.
 */
interface NodeEvents {
    /**
     * The node applied {@code entry}; {@code command} is its decoded command (null for an empty
     * entry or a conf change) and {@code tookEffect} whether it changed the state (false for a cas
     * whose compare failed).
     */
    void onApplied(SimNode node, Entry entry, KvCommand command, boolean tookEffect);

    /** The node replaced its state by a snapshot at {@code index}: what it had pending there is unknown. */
    void onSnapshotRestored(SimNode node, long index);

    /** A read index arrived and the node has applied through it: a local read is now linearizable. */
    void onReadReady(SimNode node, ReadState readState);

    /** The node just became leader (its first Ready as leader is being carried out). */
    void onBecameLeader(SimNode node);

    /** The node, a leader, just advanced its commit index (in the Ready being carried out). */
    void onLeaderCommitted(SimNode node);

    /** The node crashed (its RaftNode and state machine are gone) or was retired. */
    void onDown(SimNode node);
}
