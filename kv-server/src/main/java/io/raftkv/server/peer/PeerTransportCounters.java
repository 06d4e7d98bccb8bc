package io.raftkv.server.peer;

import java.util.concurrent.atomic.LongAdder;

/**
 * Outbound counters, totals over all peers since start. Plain {@link LongAdder}s so that this
 * package needs no metrics library; the metrics code binds the getters (e.g. as Micrometer
 * FunctionCounters named {@code raft.peer.messages.dropped{reason=queue_full}}). Thread-safe.
 */
public final class PeerTransportCounters {
    final LongAdder messagesSent = new LongAdder();
    final LongAdder batchesSent = new LongAdder();
    final LongAdder bytesSent = new LongAdder();
    final LongAdder messagesDroppedQueueFull = new LongAdder();
    final LongAdder messagesDroppedDisconnected = new LongAdder();
    final LongAdder messagesDroppedOversize = new LongAdder();
    final LongAdder messagesDroppedUnknownPeer = new LongAdder();
    final LongAdder streamFailures = new LongAdder();
    final LongAdder snapshotsSent = new LongAdder();
    final LongAdder snapshotsFailed = new LongAdder();
    final LongAdder snapshotsDroppedBusy = new LongAdder();
    final LongAdder snapshotBytesSent = new LongAdder();

    public long messagesSent() {
        return messagesSent.sum();
    }

    public long batchesSent() {
        return batchesSent.sum();
    }

    /** Encoded bytes of sent batches. */
    public long bytesSent() {
        return bytesSent.sum();
    }

    /** Dropped because the peer's send queue was full (the peer or the network is slower than Raft). */
    public long messagesDroppedQueueFull() {
        return messagesDroppedQueueFull.sum();
    }

    /** Dropped because the stream failed while they waited; Raft resends. */
    public long messagesDroppedDisconnected() {
        return messagesDroppedDisconnected.sum();
    }

    /** Dropped because one message alone exceeds the receiver's inbound limit: a configuration error. */
    public long messagesDroppedOversize() {
        return messagesDroppedOversize.sum();
    }

    /** Dropped because the destination is not in the current peer map. */
    public long messagesDroppedUnknownPeer() {
        return messagesDroppedUnknownPeer.sum();
    }

    /** Message streams that failed or could not be opened. */
    public long streamFailures() {
        return streamFailures.sum();
    }

    /** Snapshots the receiver accepted. */
    public long snapshotsSent() {
        return snapshotsSent.sum();
    }

    public long snapshotsFailed() {
        return snapshotsFailed.sum();
    }

    /** InstallSnapshot messages dropped because a snapshot to the same peer was still in flight. */
    public long snapshotsDroppedBusy() {
        return snapshotsDroppedBusy.sum();
    }

    public long snapshotBytesSent() {
        return snapshotBytesSent.sum();
    }
}
