package io.raftkv.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.raftkv.server.peer.PeerServiceCounters;
import io.raftkv.server.peer.PeerTransportCounters;
import java.util.function.ToDoubleFunction;

/**
 * The peer transport's totals as Prometheus counters, read at scrape time. The transport keeps
 * plain adders so that its package needs no metrics library; this class names them:
 * <pre>
 * raft.peer.messages.sent, raft.peer.messages.received, raft.peer.batches{direction}, raft.peer.bytes.sent
 * raft.peer.messages.dropped{direction=outbound, reason=queue_full|disconnected|oversize|unknown_peer}
 * raft.peer.messages.dropped{direction=inbound, reason=queue_full}   (the raft loop's inbound queue)
 * raft.peer.stream.failures, raft.peer.streams.rejected{reason=cluster|malformed|misaddressed}
 * raft.peer.snapshots{direction=sent|received, result=ok|failed|busy|rejected}, raft.peer.snapshot.bytes{direction}
 * </pre>
 * Not instantiable; thread-safe as the counters are.
 */
final class PeerMeters {
    private PeerMeters() {}

    static void bind(MeterRegistry registry, PeerTransportCounters outbound, PeerServiceCounters inbound) {
        counter(registry, "raft.peer.messages.sent", outbound, PeerTransportCounters::messagesSent);
        counter(registry, "raft.peer.messages.received", inbound, PeerServiceCounters::messagesReceived);
        counter(registry, "raft.peer.batches", outbound, PeerTransportCounters::batchesSent, "direction", "outbound");
        counter(registry, "raft.peer.batches", inbound, PeerServiceCounters::batchesReceived, "direction", "inbound");
        counter(registry, "raft.peer.bytes.sent", outbound, PeerTransportCounters::bytesSent);

        String dropped = "raft.peer.messages.dropped";
        counter(registry, dropped, outbound, PeerTransportCounters::messagesDroppedQueueFull,
                "direction", "outbound", "reason", "queue_full");
        counter(registry, dropped, outbound, PeerTransportCounters::messagesDroppedDisconnected,
                "direction", "outbound", "reason", "disconnected");
        counter(registry, dropped, outbound, PeerTransportCounters::messagesDroppedOversize,
                "direction", "outbound", "reason", "oversize");
        counter(registry, dropped, outbound, PeerTransportCounters::messagesDroppedUnknownPeer,
                "direction", "outbound", "reason", "unknown_peer");
        counter(registry, dropped, inbound, PeerServiceCounters::messagesDroppedQueueFull,
                "direction", "inbound", "reason", "queue_full");

        counter(registry, "raft.peer.stream.failures", outbound, PeerTransportCounters::streamFailures);
        String rejected = "raft.peer.streams.rejected";
        counter(registry, rejected, inbound, PeerServiceCounters::streamsRejectedCluster, "reason", "cluster");
        counter(registry, rejected, inbound, PeerServiceCounters::streamsRejectedMalformed, "reason", "malformed");
        counter(registry, rejected, inbound, PeerServiceCounters::streamsRejectedMisaddressed, "reason", "misaddressed");

        String snapshots = "raft.peer.snapshots";
        counter(registry, snapshots, outbound, PeerTransportCounters::snapshotsSent, "direction", "sent", "result", "ok");
        counter(registry, snapshots, outbound, PeerTransportCounters::snapshotsFailed, "direction", "sent", "result", "failed");
        counter(registry, snapshots, outbound, PeerTransportCounters::snapshotsDroppedBusy, "direction", "sent", "result", "busy");
        counter(registry, snapshots, inbound, PeerServiceCounters::snapshotsReceived, "direction", "received", "result", "ok");
        counter(registry, snapshots, inbound, PeerServiceCounters::snapshotsRejected,
                "direction", "received", "result", "rejected");
        counter(registry, "raft.peer.snapshot.bytes", outbound, PeerTransportCounters::snapshotBytesSent, "direction", "sent");
        counter(registry, "raft.peer.snapshot.bytes", inbound, PeerServiceCounters::snapshotBytesReceived,
                "direction", "received");
    }

    private static <T> void counter(MeterRegistry registry, String name, T counters, ToDoubleFunction<T> value,
                                    String... tags) {
        FunctionCounter.builder(name, counters, value).tags(tags).register(registry);
    }
}
