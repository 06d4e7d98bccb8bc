package io.raftkv.server.peer;

import com.google.protobuf.CodedOutputStream;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.raft.Message;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.Consumer;

/**
 * Drains one peer's send queue into MessageBatches capped by message count and encoded bytes.
 * A message that would push a batch over the byte cap is carried into the next batch, so a
 * single message larger than the cap still goes, alone; one larger than the receiver's inbound
 * limit can never be delivered and is handed to {@code onOversize} instead.
 * Not thread-safe: its owner ({@link PeerConnection}) calls it under the connection's write lock,
 * from the raft loop or the sender thread.
 */
final class BatchBuilder {
    private final long clusterId;
    private final long from;
    private final int messagesMax;
    private final int bytesMax;
    private final int messageBytesMax;
    private final ArrayBlockingQueue<Message> queue;
    private final Consumer<RaftMessage> onOversize;
    /**
     * Taken from the queue but did not fit in the previous batch. Written under the owner's lock;
     * volatile so that {@link #hasWork} may be asked without it.
     */
    private volatile RaftMessage carry;

    BatchBuilder(PeerConfig config, ArrayBlockingQueue<Message> queue, Consumer<RaftMessage> onOversize) {
        this.clusterId = config.clusterId();
        this.from = config.nodeId();
        this.messagesMax = config.batchMessagesMax();
        this.bytesMax = config.batchBytesMax();
        this.messageBytesMax = config.inboundMessageBytesMax() - PeerConfig.ENVELOPE_BYTES_MAX;
        this.queue = queue;
        this.onOversize = onOversize;
    }

    /** Whether a message waits: carried from the last batch or queued. Any thread; a hint only. */
    boolean hasWork() {
        return carry != null || !queue.isEmpty();
    }

    /** The next batch, or null if nothing waits. Never blocks. */
    MessageBatch next() {
        RaftMessage first = carry;
        carry = null;
        // Bounded by the queue's capacity: oversize messages are handed off, never retried.
        while (first == null || bytesOf(first) > messageBytesMax) {
            if (first != null) {
                onOversize.accept(first);
            }
            Message message = queue.poll();
            if (message == null) {
                return null;
            }
            first = MessageCodec.encode(message);
        }
        MessageBatch.Builder batch = MessageBatch.newBuilder().setClusterId(clusterId).setFrom(from).addMessages(first);
        long bytes = bytesOf(first);
        // Bounded by messagesMax and by the queue's capacity: the loop never waits.
        while (batch.getMessagesCount() < messagesMax) {
            Message message = queue.poll();
            if (message == null) {
                break;
            }
            RaftMessage encoded = MessageCodec.encode(message);
            long size = bytesOf(encoded);
            if (size > messageBytesMax) {
                onOversize.accept(encoded);
                continue;
            }
            if (bytes + size > bytesMax) {
                carry = encoded;
                break;
            }
            batch.addMessages(encoded);
            bytes += size;
        }
        return batch.build();
    }

    /** Drops the carried message after a stream failure; returns how many were dropped (0 or 1). */
    int discardCarry() {
        int dropped = carry == null ? 0 : 1;
        carry = null;
        return dropped;
    }

    /** What the message adds to a MessageBatch on the wire: tag, length and body of field 3. */
    static long bytesOf(RaftMessage message) {
        return CodedOutputStream.computeMessageSize(MessageBatch.MESSAGES_FIELD_NUMBER, message);
    }
}
