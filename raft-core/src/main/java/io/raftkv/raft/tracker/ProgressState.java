package io.raftkv.raft.tracker;

/**
 * How the leader replicates to a follower. PROBE: one append per heartbeat interval until the
 * match is found. REPLICATE: optimistic, pipelined appends bounded by the inflight window.
 * SNAPSHOT: paused until the snapshot being sent is installed.
 */
public enum ProgressState { PROBE, REPLICATE, SNAPSHOT }
