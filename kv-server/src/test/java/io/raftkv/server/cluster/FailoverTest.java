package io.raftkv.server.cluster;

import static io.raftkv.server.cluster.Rpcs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.TransferLeaderRequest;
import io.raftkv.proto.api.TransferLeaderResponse;
import io.raftkv.server.loop.LoopStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Losing the leader, and handing leadership over on purpose, while clients keep writing. */
class FailoverTest {
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void whenTheLeaderStopsANewOneIsElectedAndNoAcknowledgedWriteIsLost() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3)) {
            long oldLeader = cluster.leader();
            Writer writer = new Writer(cluster, oldLeader);
            Thread thread = new Thread(writer, "failover-writer");
            thread.start();
            try {
                InProcessCluster.await(PROGRESS_TIMEOUT, "30 acknowledged writes", () -> writer.acknowledged.size() >= 30);
                cluster.stop(oldLeader);
                int beforeElection = writer.acknowledged.size();

                long newLeader = cluster.leader();
                assertNotEquals(oldLeader, newLeader, "the stopped node cannot lead");
                try {
                    InProcessCluster.await(PROGRESS_TIMEOUT, "30 more acknowledged writes under the new leader",
                            () -> writer.acknowledged.size() >= beforeElection + 30);
                } catch (AssertionError e) {
                    throw new AssertionError(e.getMessage() + " (" + writer.describe() + ")", e);
                }
            } finally {
                writer.stop = true;
                thread.join(TimeUnit.SECONDS.toMillis(InProcessCluster.RPC_DEADLINE_SECONDS * 2L));
            }
            assertTrue(writer.failure.get() == null, "the writer failed: " + writer.failure.get());

            Map<String, String> acknowledged = new TreeMap<>(writer.acknowledged);
            for (long id : cluster.running().keySet()) {
                Map<String, String> stored = new TreeMap<>();
                for (KeyValue kv : cluster.retryingElections(() -> cluster.kv(id).range(Rpcs.prefix("failover/"))).getKvsList()) {
                    stored.put(text(kv.getKey()), text(kv.getValue()));
                }
                List<String> lost = new ArrayList<>();
                acknowledged.forEach((key, value) -> {
                    if (!value.equals(stored.get(key))) {
                        lost.add(key);
                    }
                });
                assertEquals(List.of(), lost, "acknowledged writes missing on node " + id + " (of "
                        + acknowledged.size() + " acknowledged, " + writer.attempts + " sent)");
            }
        }
    }

    @Test
    void transferringLeadershipToAFollowerMakesItTheLeaderAndWritesContinue() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3)) {
            cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), "transfer/before", "v"));
            long first = cluster.leader();
            // Hand leadership to each follower in turn: the second transfer starts from a node that
            // became leader by a transfer itself.
            for (long target : cluster.followersOf(first)) {
                long leader = cluster.leader();
                if (leader == target) {
                    continue; // an election already chose it; nothing to transfer
                }
                TransferLeaderResponse response = cluster.maintenance(leader)
                        .transferLeader(TransferLeaderRequest.newBuilder().setTargetId(target).build());
                assertEquals(leader, response.getHeader().getMemberId(), "the old leader answered");
                // The old leader answers once it follows the target in the new term T. The target may
                // publish its own status a moment later (after the fsync of its first entry), so wait
                // for it; unless yet another election began (a later term), it must lead in T.
                long term = response.getHeader().getRaftTerm();
                InProcessCluster.await(Duration.ofSeconds(10), "node " + target + " to report that it leads in term " + term,
                        () -> {
                            LoopStatus status = cluster.node(target).loop().status();
                            return (status.isLeader() && status.term() == term) || status.term() > term;
                        });

                String key = "transfer/to-" + target;
                cluster.onLeader(current -> Rpcs.write(cluster.kv(current), key, "written after the transfer"));
                for (long id : cluster.running().keySet()) {
                    assertEquals("written after the transfer",
                            text(cluster.retryingElections(() -> Rpcs.read(cluster.kv(id), key)).orElseThrow().getValue()),
                            "node " + id);
                }
            }
        }
    }

    /**
     * Puts distinct keys one after another, following NOT_LEADER answers to the leader and moving
     * on to another node when one does not answer. Records the writes acknowledged OK; every other
     * outcome (refused, or unknown) is simply not recorded, since only acknowledged writes must survive.
     */
    private static final class Writer implements Runnable {
        private static final int WRITES_MAX = 5_000;
        /**
         * A failed write waits this long before the next, as a client backs off: without it, an
         * election of a few seconds (a peer stream still reconnecting) used up WRITES_MAX in fast
         * NO_LEADER answers and the writer stopped before the new leader could take a write.
         */
        private static final long RETRY_PAUSE_MILLIS = 10;

        final ConcurrentMap<String, String> acknowledged = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile boolean stop;
        volatile int attempts;
        volatile String lastError = "none";
        volatile boolean finished;
        private final InProcessCluster cluster;
        private volatile long target;

        Writer(InProcessCluster cluster, long target) {
            this.cluster = cluster;
            this.target = target;
        }

        @Override
        public void run() {
            try {
                for (int sequence = 0; !stop && sequence < WRITES_MAX; sequence++) {
                    attempts = sequence + 1;
                    String key = String.format("failover/%06d", sequence);
                    String value = "value-" + sequence;
                    try {
                        Rpcs.write(cluster.kv(target), key, value);
                        acknowledged.put(key, value);
                    } catch (StatusRuntimeException e) {
                        lastError = "node " + target + ": " + e.getStatus();
                        NotLeader hint = Rpcs.notLeader(e);
                        target = hint != null && hint.getLeaderId() != 0 && cluster.running().containsKey(hint.getLeaderId())
                                ? hint.getLeaderId() : nextRunning(target);
                        Thread.sleep(RETRY_PAUSE_MILLIS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure.set(e);
            } catch (RuntimeException | Error e) {
                failure.set(e);
            } finally {
                finished = true;
            }
        }

        String describe() {
            return "writer: " + attempts + " attempts, " + acknowledged.size() + " acknowledged, target node " + target
                    + (finished ? ", finished" : ", running") + ", last error " + lastError;
        }

        private long nextRunning(long after) {
            Long next = cluster.running().higherKey(after);
            return next != null ? next : cluster.running().firstKey();
        }
    }
}
