package io.raftkv.server.peer;

import java.util.concurrent.atomic.LongAdder;

/** Inbound counters, totals since start; see {@link PeerTransportCounters} for how they are exported. Thread-safe. */
public final class PeerServiceCounters {
    final LongAdder batchesReceived = new LongAdder();
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder messagesDroppedQueueFull = new LongAdder();
    final LongAdder streamsRejectedCluster = new LongAdder();
    final LongAdder streamsRejectedMalformed = new LongAdder();
    final LongAdder streamsRejectedMisaddressed = new LongAdder();
    final LongAdder snapshotsReceived = new LongAdder();
    final LongAdder snapshotsRejected = new LongAdder();
    final LongAdder snapshotBytesReceived = new LongAdder();

    public long batchesReceived() {
        return batchesReceived.sum();
    }

    /** Messages handed to the raft loop. */
    public long messagesReceived() {
        return messagesReceived.sum();
    }

    /** Messages dropped because the raft loop's inbound queue was full. */
    public long messagesDroppedQueueFull() {
        return messagesDroppedQueueFull.sum();
    }

    /** Streams refused because the sender belongs to another cluster. */
    public long streamsRejectedCluster() {
        return streamsRejectedCluster.sum();
    }

    /** Streams refused because a message did not decode. */
    public long streamsRejectedMalformed() {
        return streamsRejectedMalformed.sum();
    }

    /** Streams refused because a message named another node as sender or receiver. */
    public long streamsRejectedMisaddressed() {
        return streamsRejectedMisaddressed.sum();
    }

    /** Snapshots installed and delivered to the raft loop. */
    public long snapshotsReceived() {
        return snapshotsReceived.sum();
    }

    public long snapshotsRejected() {
        return snapshotsRejected.sum();
    }

    public long snapshotBytesReceived() {
        return snapshotBytesReceived.sum();
    }
}
