package io.raftkv.server.peer;

import io.raftkv.raft.Message;

/**
 * Where decoded peer messages go: the raft loop's bounded inbound queue. Called from gRPC server
 * threads; must be thread-safe and must not block.
 */
@FunctionalInterface
public interface InboundHandler {
    /**
     * @return false when the queue is full; the message is then dropped and counted, and Raft's
     *     own retries (heartbeats, probes, re-sent appends) recover it
     */
    boolean offer(Message message);
}
