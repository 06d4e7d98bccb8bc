package io.raftkv.server.peer;

/**
 * A peer sent bytes that do not describe a valid Raft message (missing body, node id 0, a
 * uint64 beyond Java's long range, non-contiguous entries, ...). Checked on purpose: every
 * decode site must decide what to tell the peer, because peer input must never crash the node.
 */
public final class MalformedMessageException extends Exception {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
