package io.raftkv.raft;

/** The outcome of a proposal, read-index request or leadership transfer handed to the core. */
public sealed interface ProposeResult {
    /** Appended to the leader's log at this position; it commits only if that entry survives. */
    record Accepted(long index, long term) implements ProposeResult {}

    /** Queued (reads) or started (transfers); the outcome arrives later in a Ready. */
    record Pending() implements ProposeResult {}

    record Dropped(DropReason reason, String detail) implements ProposeResult {}

    /** Why the core refused; the server maps each to a client-visible status. */
    enum DropReason {
        NOT_LEADER, NO_LEADER, TRANSFERRING, UNCOMMITTED_LIMIT, ENTRY_TOO_LARGE,
        CONF_CHANGE_PENDING, CONF_CHANGE_INVALID, READS_LIMIT, NOT_A_VOTER, UNKNOWN_NODE
    }

    static Dropped dropped(DropReason reason, String format, Object... args) {
        return new Dropped(reason, String.format(format, args));
    }

    default boolean isAccepted() {
        return !(this instanceof Dropped);
    }
}
