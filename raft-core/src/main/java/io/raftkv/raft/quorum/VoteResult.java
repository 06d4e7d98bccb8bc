package io.raftkv.raft.quorum;

/** The state of an election or pre-election as the votes so far decide it. */
public enum VoteResult { PENDING, LOST, WON }
