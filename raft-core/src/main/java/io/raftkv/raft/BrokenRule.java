package io.raftkv.raft;

/**
 * Deliberately broken protocol rules, for tests only: each switched on proves that the simulator
 * catches the safety violation it causes. A production {@link Config} rejects every one of them.
 */
public enum BrokenRule {
    /** Commit an entry of an earlier term by counting replicas (Raft §5.4.2, Figure 8). */
    COMMIT_EARLIER_TERM_BY_COUNTING,
    /** Grant a vote without the candidate's-log-is-up-to-date check (§5.4.1). */
    VOTE_WITHOUT_LOG_CHECK,
    /** Release a read-index read without the heartbeat round that confirms leadership. */
    READ_WITHOUT_HEARTBEAT_ROUND,
    /** A follower acknowledges an append before its entries are persisted. */
    ACK_BEFORE_PERSIST
}
