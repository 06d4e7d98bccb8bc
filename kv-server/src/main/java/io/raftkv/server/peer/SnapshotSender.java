package io.raftkv.server.peer;

import io.raftkv.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and tracks outgoing snapshot transfers, at most one per peer: Raft keeps a follower in
 * snapshot state until it hears how the snapshot ended, so a second InstallSnapshot for the same
 * peer while one is in flight is dropped (and counted); the report of the first one settles the
 * follower's state. Each transfer reports {@link PeerListener#snapshotDone} exactly once.
 *
 * <p>Thread-safe. Threads: one per transfer in flight, so at most one per peer.
 */
final class SnapshotSender {
    private static final Logger log = LoggerFactory.getLogger(SnapshotSender.class);

    private final PeerConfig config;
    private final PeerListener listener;
    private final PeerTransportCounters counters;
    private final PeerChannelFactory channels;
    private final ConcurrentHashMap<Long, SnapshotTransfer> inFlight = new ConcurrentHashMap<>();
    private volatile boolean closed;

    SnapshotSender(PeerConfig config, PeerListener listener, PeerTransportCounters counters, PeerChannelFactory channels) {
        this.config = config;
        this.listener = listener;
        this.counters = counters;
        this.channels = channels;
    }

    /** Never blocks: starts the transfer's thread and returns. */
    void send(Message.InstallSnapshot message, String address) {
        long peer = message.to();
        if (closed) {
            listener.snapshotDone(peer, false);
            return;
        }
        SnapshotTransfer transfer = new SnapshotTransfer(message, address, config, channels, counters, this::finished);
        SnapshotTransfer previous = inFlight.putIfAbsent(peer, transfer);
        if (previous != null) {
            counters.snapshotsDroppedBusy.increment();
            log.info("peer={} snapshot index={} dropped: another snapshot to this peer is in flight",
                    peer, message.snapshot().index());
            return;
        }
        log.info("peer={} snapshot transfer started index={} term={} address={}", peer,
                message.snapshot().index(), message.snapshot().term(), address);
        transfer.start();
    }

    boolean inFlight(long peer) {
        return inFlight.containsKey(peer);
    }

    /** The peer left the configuration (or moved): abandon its transfer, which then reports failure. */
    void cancel(long peer) {
        SnapshotTransfer transfer = inFlight.get(peer);
        if (transfer != null) {
            transfer.cancel();
        }
    }

    /** Cancels every transfer; each still reports failure to the listener. */
    void close() {
        closed = true;
        for (SnapshotTransfer transfer : inFlight.values()) {
            transfer.cancel();
        }
    }

    /** Waits for cancelled transfers to finish; returns the peers whose transfer outlived the deadline. */
    List<Long> awaitTermination(long deadlineNanos) throws InterruptedException {
        List<Long> stuck = new ArrayList<>();
        for (var entry : inFlight.entrySet()) {
            if (!entry.getValue().awaitTermination(deadlineNanos)) {
                stuck.add(entry.getKey());
            }
        }
        return stuck;
    }

    /** Removed before reporting, so the raft loop may start the next snapshot as soon as it hears. */
    private void finished(SnapshotTransfer transfer, boolean ok) {
        inFlight.remove(transfer.peer(), transfer);
        listener.snapshotDone(transfer.peer(), ok);
    }
}
