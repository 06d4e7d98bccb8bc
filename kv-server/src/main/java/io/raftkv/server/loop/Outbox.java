package io.raftkv.server.loop;

import io.raftkv.raft.Message;
import java.util.List;

/** Where the raft loop sends peer messages. Must never block: the transport queues and drops. */
public interface Outbox {
    void send(List<Message> messages);
}
