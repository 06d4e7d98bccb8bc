package io.raftkv.server.peer;

import io.raftkv.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;

/** The raft loop's inbound queue, as tests see it: bounded, and remembering when each message arrived. */
final class RecordingHandler implements InboundHandler {
    record Arrival(Message message, long nanos) {}

    private final ArrayBlockingQueue<Arrival> queue;

    RecordingHandler(int capacity) {
        queue = new ArrayBlockingQueue<>(capacity);
    }

    @Override
    public boolean offer(Message message) {
        return queue.offer(new Arrival(message, System.nanoTime()));
    }

    int size() {
        return queue.size();
    }

    /** A snapshot of what arrived so far, in order. */
    List<Arrival> arrivals() {
        return new ArrayList<>(queue);
    }

    List<Message> messages() {
        return arrivals().stream().map(Arrival::message).toList();
    }

    void clear() {
        queue.clear();
    }
}
