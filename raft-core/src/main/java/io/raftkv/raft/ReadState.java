package io.raftkv.raft;

/**
 * A read that is now safe: once the state machine has applied {@code index}, a read served locally
 * is linearizable. {@code context} is the value the caller passed to {@code readIndex}.
 */
public record ReadState(long index, long context) {}
