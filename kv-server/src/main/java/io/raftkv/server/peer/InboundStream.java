package io.raftkv.server.peer;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.BatchAck;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one peer's RaftPeer.Send stream. Each batch is checked whole (cluster id,
 * sender, addressing, decoding) before any of it reaches the raft loop, so a bad batch changes
 * nothing; a bad batch ends the stream with a status that says why, and the sender reconnects
 * after its backoff. Good messages are offered to the raft loop's bounded queue; when it is full
 * they are dropped and counted, and Raft's retries recover them.
 *
 * <p>Not thread-safe, and needs not be: gRPC delivers one call's callbacks one at a time.
 */
final class InboundStream implements StreamObserver<MessageBatch> {
    private static final Logger log = LoggerFactory.getLogger(InboundStream.class);

    private final PeerConfig config;
    private final InboundHandler inbound;
    private final PeerServiceCounters counters;
    private final StreamObserver<BatchAck> responses;
    /** The sender, known from the first batch; 0 before. */
    private long peer;
    private boolean closed;

    InboundStream(PeerConfig config, InboundHandler inbound, PeerServiceCounters counters,
                  StreamObserver<BatchAck> responses) {
        this.config = config;
        this.inbound = inbound;
        this.counters = counters;
        this.responses = responses;
    }

    @Override
    public void onNext(MessageBatch batch) {
        if (closed) {
            return;
        }
        List<Message> messages;
        try {
            messages = check(batch);
        } catch (RejectedBatch e) {
            closed = true;
            e.counter().increment();
            log.warn("peer={} stream rejected: {}", batch.getFrom(), e.status().getDescription());
            responses.onError(e.status().asRuntimeException());
            return;
        }
        if (peer == 0) {
            peer = batch.getFrom();
            log.info("peer={} inbound stream opened", peer);
        }
        for (Message message : messages) {
            if (inbound.offer(message)) {
                counters.messagesReceived.increment();
            } else {
                counters.messagesDroppedQueueFull.increment();
            }
        }
        // Counted once its messages are queued or dropped, so a batch counted is a batch handled.
        counters.batchesReceived.increment();
    }

    @Override
    public void onError(Throwable cause) {
        if (!closed) {
            closed = true;
            logClosed(PeerConnection.describe(cause));
        }
    }

    @Override
    public void onCompleted() {
        if (!closed) {
            closed = true;
            logClosed("closed by the sender");
            responses.onNext(BatchAck.getDefaultInstance());
            responses.onCompleted();
        }
    }

    /** Only a stream that said who it is was logged as opened, so only that one is logged as closed. */
    private void logClosed(String how) {
        if (peer != 0) {
            log.info("peer={} inbound stream closed: {}", peer, how);
        } else {
            log.debug("inbound stream closed before its first batch: {}", how);
        }
    }

    private List<Message> check(MessageBatch batch) throws RejectedBatch {
        long from = batch.getFrom();
        if (batch.getClusterId() != config.clusterId()) {
            throw new RejectedBatch(Status.FAILED_PRECONDITION.withDescription("peer " + from + " belongs to cluster "
                    + Long.toUnsignedString(batch.getClusterId()) + ", not " + Long.toUnsignedString(config.clusterId())),
                    counters.streamsRejectedCluster);
        }
        if (from <= 0 || from == config.nodeId() || (peer != 0 && from != peer)) {
            throw new RejectedBatch(Status.INVALID_ARGUMENT.withDescription("batch from node "
                    + Long.toUnsignedString(from) + " on a stream to node " + config.nodeId()
                    + (peer != 0 ? " opened by node " + peer : "")), counters.streamsRejectedMisaddressed);
        }
        List<Message> messages = new ArrayList<>(batch.getMessagesCount());
        for (RaftMessage encoded : batch.getMessagesList()) {
            Message message;
            try {
                message = MessageCodec.decode(encoded);
            } catch (MalformedMessageException e) {
                throw new RejectedBatch(Status.INVALID_ARGUMENT.withDescription(
                        "malformed message from peer " + from + ": " + e.getMessage()), counters.streamsRejectedMalformed);
            }
            if (message.from() != from) {
                throw new RejectedBatch(Status.INVALID_ARGUMENT.withDescription("message from node " + message.from()
                        + " in a batch from node " + from), counters.streamsRejectedMisaddressed);
            }
            if (message.to() != config.nodeId()) {
                // The sender's address map sends another node's traffic here: a configuration error.
                throw new RejectedBatch(Status.FAILED_PRECONDITION.withDescription("message for node " + message.to()
                        + " reached node " + config.nodeId()), counters.streamsRejectedMisaddressed);
            }
            messages.add(message);
        }
        return messages;
    }

    /** Why a batch ends the stream, and which counter records it. */
    private static final class RejectedBatch extends Exception {
        private final transient Status status;
        private final transient LongAdder counter;

        RejectedBatch(Status status, LongAdder counter) {
            super(status.getDescription(), null, false, false);
            this.status = status;
            this.counter = counter;
        }

        Status status() {
            return status;
        }

        LongAdder counter() {
            return counter;
        }
    }
}
