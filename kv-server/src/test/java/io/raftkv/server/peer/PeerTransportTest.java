package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Message;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerTransportTest {
    private static final long CLUSTER = 7;

    @TempDir
    Path temp;
    private final List<AutoCloseable> cleanup = new ArrayList<>();

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : cleanup.reversed()) {
            closeable.close();
        }
    }

    @Test
    void batchesFlowBothWaysBetweenTwoNodesInOrder() throws Exception {
        TestNode one = node(1, CLUSTER);
        TestNode two = node(2, CLUSTER);
        one.transport.updatePeers(Map.of(1L, one.address(), 2L, two.address()));
        two.transport.updatePeers(Map.of(1L, one.address(), 2L, two.address()));

        List<Message> toTwo = mixedMessages(1, 2, 3000);
        List<Message> toOne = mixedMessages(2, 1, 3000);
        one.transport.sendAll(toTwo);
        two.transport.sendAll(toOne);

        Eventually.await("node 2 receives all 3000", () -> two.inbound.size() == toTwo.size());
        Eventually.await("node 1 receives all 3000", () -> one.inbound.size() == toOne.size());
        assertEquals(toTwo, two.inbound.messages(), "one stream per peer keeps order");
        assertEquals(toOne, one.inbound.messages());
        assertEquals(3000, one.transport.counters().messagesSent());
        assertTrue(one.transport.counters().batchesSent() < 3000, "messages queued together travel together");
        assertEquals(0, one.listener.unreachableCount(2));
    }

    @Test
    void messagesLeaveInOrderWhetherTheCallerOrTheSenderThreadWritesThem() throws Exception {
        TestNode one = node(1, CLUSTER, b -> b.batchBytesMax(64 << 10));
        TestNode two = node(2, CLUSTER);
        one.transport.updatePeers(Map.of(2L, two.address()));
        two.transport.updatePeers(Map.of(1L, one.address()));
        // 4 MiB in small groups: the stream's 64 KiB flow-control window fills again and again, so
        // some groups are written by the calling thread and the rest, left queued, by the sender.
        List<Message> sent = new ArrayList<>();
        byte[] value = new byte[1024];
        for (int i = 0; i < 4000; i++) {
            sent.add(new Message.AppendEntries(1, 2, 5, i, 4, List.of(Entry.normal(i + 1, 5, value)), i));
        }
        for (int from = 0; from < sent.size(); from += 1 + from % 3) {
            one.transport.sendAll(sent.subList(from, Math.min(sent.size(), from + 1 + from % 3)));
            if (from % 500 == 0) {
                Thread.sleep(5); // let the stream drain now and then, so the caller writes again
            }
        }

        Eventually.await("node 2 receives all 4000", () -> two.inbound.size() == sent.size());
        assertEquals(sent, two.inbound.messages(), "one queue drained under one lock keeps order");
        assertEquals(0, one.transport.counters().messagesDroppedQueueFull());
    }

    @Test
    void messagesFlowAgainAfterTheReceiverRestarts() throws Exception {
        TestNode one = node(1, CLUSTER);
        TestNode two = node(2, CLUSTER);
        one.transport.updatePeers(Map.of(2L, two.address()));
        AtomicLong context = new AtomicLong();
        Eventually.await("first heartbeat arrives", () -> {
            one.transport.send(heartbeat(context.incrementAndGet()));
            return two.inbound.size() > 0;
        });

        int port = two.port();
        two.stopServer();
        Eventually.await("node 1 reports node 2 unreachable", () -> {
            one.transport.send(heartbeat(context.incrementAndGet()));
            return one.listener.unreachableCount(2) > 0;
        });

        two.startServer(port);
        long restartedAt = context.get();
        Eventually.await("a heartbeat sent after the restart arrives", () -> {
            one.transport.send(heartbeat(context.incrementAndGet()));
            return two.inbound.messages().stream()
                    .anyMatch(m -> m instanceof Message.Heartbeat h && h.context() > restartedAt);
        });
        assertTrue(one.transport.counters().streamFailures() > 0);
    }

    @Test
    void aBatchFromAnotherClusterIsRejectedAndNothingIsDelivered() throws Exception {
        TestNode one = node(1, CLUSTER);
        TestNode stranger = node(2, CLUSTER + 1);
        one.transport.updatePeers(Map.of(2L, stranger.address()));
        one.transport.send(heartbeat(1));

        Eventually.await("node 2 rejects the stream", () -> stranger.service.counters().streamsRejectedCluster() > 0);
        Eventually.await("node 1 reports node 2 unreachable", () -> one.listener.unreachableCount(2) > 0);
        assertEquals(0, stranger.inbound.size());
        assertEquals(0, stranger.service.counters().messagesReceived());
    }

    @Test
    void aFullQueueDropsMessagesAndReportsTheUnreachablePeerOnce() throws Exception {
        // A TCP listener that never speaks HTTP/2: the stream never becomes writable, so the queue fills.
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(silent);
        // One message a batch: a batch being filled while we offer would otherwise keep making room.
        TestNode one = node(1, CLUSTER, b -> b.sendQueueCapacity(4).batchMessagesMax(1).sendStallTimeout(Duration.ofMinutes(5)));
        one.transport.updatePeers(Map.of(2L, "127.0.0.1:" + silent.getLocalPort()));

        for (int i = 1; i <= 100; i++) {
            one.transport.send(heartbeat(i));
        }
        // The sender took at most one batch (one message) and then waits for a stream that never
        // becomes writable, before or after the first poll of a 50 ms wait; everything beyond that
        // and the 4 queued is dropped.
        long dropped = one.transport.counters().messagesDroppedQueueFull();
        assertTrue(dropped >= 100 - 4 - 5, "dropped " + dropped);
        assertEquals(1, one.listener.unreachableCount(2), "reported once per episode, not per message");
        assertTrue(one.transport.pendingMessages(2) <= 4, "the queue never exceeds its capacity");
    }

    @Test
    void aStreamThatStaysUnwritableIsCancelledAndRetried() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(silent);
        TestNode one = node(1, CLUSTER, b -> b.sendStallTimeout(Duration.ofMillis(200)));
        one.transport.updatePeers(Map.of(2L, "127.0.0.1:" + silent.getLocalPort()));
        one.transport.send(heartbeat(1));

        Eventually.await("the stalled stream fails", () -> one.transport.counters().streamFailures() >= 2);
        assertTrue(one.listener.unreachableCount(2) >= 1);
        assertEquals(1, one.transport.counters().messagesDroppedDisconnected());
    }

    @Test
    void messagesToAPeerNotInTheMapAreDroppedAndReported() throws Exception {
        TestNode one = node(1, CLUSTER);
        TestNode two = node(2, CLUSTER);
        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.send(heartbeat(1));
        Eventually.await("heartbeat arrives", () -> two.inbound.size() == 1);

        one.transport.updatePeers(Map.of());
        assertEquals(Map.of(), one.transport.peers());
        one.transport.send(heartbeat(2));
        assertEquals(1, one.transport.counters().messagesDroppedUnknownPeer());
        assertEquals(1, one.listener.unreachableCount(2));

        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.send(heartbeat(3));
        Eventually.await("heartbeat arrives after re-adding the peer", () -> two.inbound.size() == 2);
    }

    @Test
    void aPeerThatMovesIsReachedAtItsNewAddress() throws Exception {
        TestNode one = node(1, CLUSTER);
        TestNode two = node(2, CLUSTER);
        TestNode twoElsewhere = node(2, CLUSTER);
        one.transport.updatePeers(Map.of(2L, two.address()));
        one.transport.updatePeers(Map.of(2L, twoElsewhere.address()));
        AtomicLong context = new AtomicLong();
        Eventually.await("heartbeat reaches the new address", () -> {
            one.transport.send(heartbeat(context.incrementAndGet()));
            return twoElsewhere.inbound.size() > 0;
        });
        assertEquals(Map.of(2L, twoElsewhere.address()), one.transport.peers());
    }

    @Test
    void closeReturnsWithinItsDeadlineEvenWithAStuckStream() throws Exception {
        ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        cleanup.add(silent);
        TestNode one = node(1, CLUSTER, b -> b.sendStallTimeout(Duration.ofMinutes(5)).closeTimeout(Duration.ofSeconds(2)));
        TestNode three = node(3, CLUSTER);
        one.transport.updatePeers(Map.of(2L, "127.0.0.1:" + silent.getLocalPort(), 3L, three.address()));
        one.transport.send(heartbeat(1));
        one.transport.send(new Message.Heartbeat(1, 3, 1, 0, 1));
        Eventually.await("node 3 gets its heartbeat", () -> three.inbound.size() == 1);

        long start = System.nanoTime();
        one.transport.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "close took " + took);
        one.transport.send(heartbeat(2));
        assertEquals(1, one.transport.counters().messagesDroppedUnknownPeer(), "sends after close are dropped");
    }

    private TestNode node(long id, long cluster) throws IOException {
        return node(id, cluster, b -> b);
    }

    private TestNode node(long id, long cluster, java.util.function.UnaryOperator<PeerConfig.Builder> tuning)
            throws IOException {
        TestNode node = new TestNode(id, cluster, temp.resolve("node-" + id + "-" + cleanup.size()), tuning).startServer(0);
        cleanup.add(node);
        return node;
    }

    private static Message heartbeat(long context) {
        return new Message.Heartbeat(1, 2, 1, 0, context);
    }

    /** Heartbeats, appends with entries, votes: enough kinds and sizes to exercise batching. */
    private static List<Message> mixedMessages(long from, long to, int count) {
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(switch (i % 3) {
                case 0 -> new Message.Heartbeat(from, to, 5, i, i);
                case 1 -> new Message.AppendEntries(from, to, 5, i, 4,
                        List.of(Entry.normal(i + 1, 5, ("value-" + i).getBytes(StandardCharsets.UTF_8))), i);
                default -> new Message.RequestVote(from, to, 6, i, 5, i % 2 == 0, false);
            });
        }
        return out;
    }
}
