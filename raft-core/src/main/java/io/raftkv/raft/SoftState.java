package io.raftkv.raft;

/** Volatile state worth reporting (never persisted): who leads as far as this node knows, and its role. */
public record SoftState(long leader, StateRole role) {}
