package io.raftkv.server.peer;

import io.raftkv.raft.Invariants;
import io.raftkv.raft.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound side of the peer protocol, used by the raft loop to send what a Ready holds.
 *
 * <p>{@link #send} never blocks: each peer has a {@link PeerConnection} with a bounded queue that
 * drains in batches onto a long-lived RaftPeer.Send stream, written by the calling thread (the raft
 * loop) when the stream can take them at once and by the connection's sender thread otherwise; a
 * full queue drops the message and reports the peer unreachable through the {@link PeerListener}. An
 * InstallSnapshot message goes instead to the {@link SnapshotSender}, which streams the
 * snapshot's files on a call and connection of its own so heartbeats never wait behind them.
 *
 * <p>Threads: one sender per peer, plus one per snapshot in flight (at most one per peer).
 * Thread-safe: meant to be driven by the raft loop thread, but every method may be called from
 * any thread.
 */
public final class PeerTransport implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PeerTransport.class);

    private final PeerConfig config;
    private final PeerListener listener;
    private final PeerChannelFactory channels;
    private final PeerTransportCounters counters = new PeerTransportCounters();
    private final SnapshotSender snapshots;
    private final ConcurrentHashMap<Long, PeerConnection> connections = new ConcurrentHashMap<>();
    /** Connections replaced or removed by updatePeers and still shutting down; guarded by this. */
    private final List<PeerConnection> retired = new ArrayList<>();
    /** Guarded by this. */
    private boolean closed;

    /** Starts with no peers; call {@link #updatePeers} with the initial membership. */
    public PeerTransport(PeerConfig config, PeerListener listener, PeerChannelFactory channels) {
        this.config = Objects.requireNonNull(config, "config");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.snapshots = new SnapshotSender(config, listener, counters, channels);
    }

    /**
     * Queues one message for its destination; never blocks. Messages to a peer not in the current
     * map, or sent after {@link #close}, are dropped, counted and reported unreachable.
     */
    public void send(Message message) {
        PeerConnection connection = queue(message);
        if (connection != null) {
            connection.flush();
        }
    }

    /**
     * Queues every message, then writes each peer's queue at once where its stream allows (see
     * {@link PeerConnection#flush}), so a Ready's messages to one peer leave in one batch.
     */
    public void sendAll(List<? extends Message> messages) {
        if (messages.isEmpty()) {
            return;
        }
        for (Message message : messages) {
            queue(message);
        }
        // A connection with nothing queued returns from flush at once.
        connections.values().forEach(PeerConnection::flush);
    }

    /** Queues a message for its peer's stream and returns that connection, or null if it went elsewhere or was dropped. */
    private PeerConnection queue(Message message) {
        Invariants.check(message.from() == config.nodeId(), "node %d asked to send a message from node %d: %s",
                config.nodeId(), message.from(), message);
        Invariants.check(message.to() != config.nodeId(), "node %d asked to send a message to itself: %s",
                config.nodeId(), message);
        PeerConnection connection = connections.get(message.to());
        if (connection == null) {
            counters.messagesDroppedUnknownPeer.increment();
            if (message instanceof Message.InstallSnapshot) {
                listener.snapshotDone(message.to(), false);
            } else {
                listener.unreachable(message.to());
            }
            return null;
        }
        if (message instanceof Message.InstallSnapshot snapshot) {
            snapshots.send(snapshot, connection.address);
            return null;
        }
        return connection.offer(message) ? connection : null;
    }

    /**
     * Makes the set of peers equal to {@code addresses} (node id to host:port; this node's own id,
     * if present, is ignored): starts connections to new peers, stops those to removed peers
     * (cancelling their snapshot transfers), and reconnects peers whose address changed.
     * Returns without waiting for stopped connections to finish.
     */
    public synchronized void updatePeers(Map<Long, String> addresses) {
        if (closed) {
            throw new IllegalStateException("peer transport of node " + config.nodeId() + " is closed");
        }
        Map<Long, String> wanted = new TreeMap<>(addresses); // id order: logs and thread starts are reproducible
        wanted.remove(config.nodeId());
        for (var entry : wanted.entrySet()) {
            if (entry.getKey() <= 0 || entry.getValue() == null || entry.getValue().isBlank()) {
                throw new IllegalArgumentException("bad peer " + entry.getKey() + "=" + entry.getValue());
            }
        }
        retired.removeIf(PeerConnection::isTerminated);
        for (var entry : new TreeMap<>(connections).entrySet()) {
            String address = wanted.get(entry.getKey());
            if (address == null || !address.equals(entry.getValue().address)) {
                retire(entry.getValue(), address == null ? "removed" : "moved to " + address);
            }
        }
        for (var entry : wanted.entrySet()) {
            if (!connections.containsKey(entry.getKey())) {
                PeerConnection connection = new PeerConnection(entry.getKey(), entry.getValue(), config, listener,
                        counters, channels);
                connections.put(entry.getKey(), connection);
                connection.start();
                log.info("peer={} added address={}", entry.getKey(), entry.getValue());
            }
        }
    }

    /** The current peers, node id to address. */
    public Map<Long, String> peers() {
        Map<Long, String> out = new HashMap<>();
        connections.forEach((id, connection) -> out.put(id, connection.address));
        return Map.copyOf(out);
    }

    /** Messages waiting in the queue for {@code peer}; 0 for an unknown peer. A gauge for metrics. */
    public int pendingMessages(long peer) {
        PeerConnection connection = connections.get(peer);
        return connection == null ? 0 : connection.pending();
    }

    public boolean snapshotInFlight(long peer) {
        return snapshots.inFlight(peer);
    }

    public PeerTransportCounters counters() {
        return counters;
    }

    /**
     * Stops every sender (half-closing its stream) and snapshot transfer (each reports failure),
     * and waits up to closeTimeout for their threads and channels. Whatever is still running then
     * is named in a warning and left to die with the JVM (all transport threads are daemons).
     * Idempotent.
     */
    @Override
    public void close() {
        List<PeerConnection> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = new ArrayList<>(connections.values());
            stopping.addAll(retired);
            connections.clear();
            retired.clear();
        }
        long deadlineNanos = System.nanoTime() + config.closeTimeout().toNanos();
        for (PeerConnection connection : stopping) {
            connection.stop();
        }
        snapshots.close();
        List<String> stuck = new ArrayList<>();
        try {
            for (PeerConnection connection : stopping) {
                if (!connection.awaitTermination(deadlineNanos)) {
                    stuck.add("sender to peer " + connection.peer);
                }
            }
            for (long peer : snapshots.awaitTermination(deadlineNanos)) {
                stuck.add("snapshot to peer " + peer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stuck.add("(interrupted while waiting)");
        }
        if (stuck.isEmpty()) {
            log.info("peer transport of node {} closed", config.nodeId());
        } else {
            log.warn("peer transport of node {} closed with threads still running after {}: {}", config.nodeId(),
                    config.closeTimeout(), stuck);
        }
    }

    private void retire(PeerConnection connection, String why) {
        connections.remove(connection.peer, connection);
        connection.stop();
        snapshots.cancel(connection.peer);
        retired.add(connection);
        log.info("peer={} {} address={}", connection.peer, why, connection.address);
    }
}
