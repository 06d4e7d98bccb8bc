package io.raftkv.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftkv.check.CheckResult;
import io.raftkv.check.History;
import io.raftkv.check.HistoryReader;
import io.raftkv.check.HistoryWriter;
import io.raftkv.check.LostWrites;
import io.raftkv.check.Value;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.StatusResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real image, three containers, under the faults a Docker host can inject: the leader killed
 * (SIGKILL) and started again on its volume, the leader paused, a follower and then the leader cut
 * off the network. During each fault eight clients read, write and compare-and-set four keys; the
 * recorded history plus a final quiescent read of every key must be linearizable (so no
 * acknowledged write was lost), and afterwards every node must catch up. Then: every metric the
 * Grafana dashboard queries is exported, docker's HEALTHCHECK reports every node healthy, and
 * docker stop (SIGTERM) stops a node cleanly within the grace period.
 *
 * <p>Histories go to target/histories/, node logs to target/container-logs/. The seed (printed)
 * decides the clients' choices: {@code -Dcontainer.seed=N}; the faults' timing is real time, so a
 * run cannot be replayed exactly. Skips without a Docker engine, except where required (CI).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerClusterTest {
    private static final int NODES = 3;
    private static final int WORKERS = 8;
    private static final Duration WARMUP = Duration.ofSeconds(2);
    private static final Duration FAULT = Duration.ofSeconds(5);
    private static final Duration AFTER_HEAL = Duration.ofSeconds(3);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
    private static final Path HISTORIES = Path.of("target", "histories");
    /**
     * Snapshots every 500 entries with 100 kept: the workload writes some hundreds of entries per
     * phase, so every node snapshots (the dashboard's snapshot panels get data) and a follower cut
     * off for seconds needs the leader's snapshot to catch up.
     */
    private static final Map<String, String> SETTINGS = Map.of(
            "RAFTKV_SNAPSHOT_ENTRIES", "500",
            "RAFTKV_SNAPSHOT_RETAIN_ENTRIES", "100",
            "JAVA_MAX_HEAP", "256m");

    private final long seed = Long.getLong("container.seed", System.nanoTime() & 0xffff_ffffL);
    private ContainerCluster cluster;
    private NodeChannels nodes;
    private long operationsChecked;
    private final Map<String, String> phaseSummaries = new TreeMap<>();

    @FunctionalInterface
    private interface Fault {
        void inject() throws Exception;
    }

    @BeforeAll
    void startCluster() throws Exception {
        String image = RaftKvImage.ensureBuilt();
        System.out.println("container-tests: seed " + seed + " (-Dcontainer.seed=" + seed + " repeats the clients' choices)");
        Files.createDirectories(HISTORIES);
        long started = System.nanoTime();
        cluster = new ContainerCluster(image, NODES, SETTINGS, Path.of("target", "container-logs"));
        cluster.start();
        nodes = new NodeChannels(cluster.clientAddresses());
        long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(60));
        System.out.printf("container-tests: %d nodes of %s up, leader %d, in %.1f s%n", NODES, image, leader,
                (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    void removeCluster() {
        try {
            if (nodes != null) {
                nodes.close();
            }
        } finally {
            if (cluster != null) {
                cluster.close();
                System.out.printf("container-tests: %d operations checked, %d faults injected (%s)%n", operationsChecked,
                        cluster.faults(), phaseSummaries);
            }
        }
    }

    @Test
    @Order(1)
    void aWriteToTheLeaderIsReadFromEveryNode() {
        long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(30));
        nodes.kv(leader, Duration.ofSeconds(5)).put(PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("greeting")).setValue(ByteString.copyFromUtf8("hello")).build());
        for (long id : cluster.ids()) {
            RangeResponse read = nodes.kv(id, Duration.ofSeconds(5))
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("greeting")).build());
            assertEquals(1, read.getKvsCount(), "node " + id + " finds the key");
            assertEquals("hello", read.getKvs(0).getValue().toStringUtf8(), "node " + id + " reads the value");
        }
    }

    @Test
    @Order(2)
    void leaderKilledAndRestartedOnItsVolumeLosesNoAcknowledgedWrite() throws Exception {
        checkedPhase("kill-leader", () -> {
            long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(30));
            System.out.println("container-tests: docker kill of leader " + leader);
            cluster.kill(leader);
            try {
                NodeChannels.sleep(FAULT);
            } finally {
                cluster.restart(leader);
            }
            awaitAnswer(leader, Duration.ofSeconds(60));
        });
    }

    @Test
    @Order(3)
    void pausedLeaderLosesNoAcknowledgedWriteAndServesNoStaleRead() throws Exception {
        checkedPhase("pause-leader", () -> {
            long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(30));
            System.out.println("container-tests: docker pause of leader " + leader);
            cluster.pause(leader);
            try {
                NodeChannels.sleep(FAULT);
            } finally {
                cluster.unpause(leader);
            }
        });
    }

    @Test
    @Order(4)
    void followerCutOffTheNetworkCatchesUp() throws Exception {
        checkedPhase("disconnect-follower", () -> {
            long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(30));
            long follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
            System.out.println("container-tests: network disconnect of follower " + follower);
            cluster.disconnect(follower);
            try {
                NodeChannels.sleep(FAULT);
            } finally {
                cluster.reconnect(follower);
            }
        });
    }

    @Test
    @Order(5)
    void leaderCutOffTheNetworkIsReplaced() throws Exception {
        checkedPhase("disconnect-leader", () -> {
            long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(30));
            System.out.println("container-tests: network disconnect of leader " + leader);
            cluster.disconnect(leader);
            try {
                NodeChannels.sleep(FAULT);
            } finally {
                cluster.reconnect(leader);
            }
        });
    }

    /** Every metric the Grafana dashboard queries is exported by the nodes, and docker sees them healthy. */
    @Test
    @Order(6)
    void nodesExportEveryDashboardMetricAndPassTheirHealthcheck() throws Exception {
        SortedSet<String> exported = new TreeSet<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        for (long id : cluster.ids()) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create(
                    "http://" + ContainerCluster.ip(id) + ":" + ContainerCluster.METRICS_PORT + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode(), "GET /metrics of node " + id);
            exported.addAll(Dashboard.namesIn(scrape.body()));
        }
        SortedSet<String> missing = new TreeSet<>(Dashboard.metricNames());
        missing.removeAll(exported);
        assertTrue(missing.isEmpty(), "the dashboard queries metrics no node exports: " + missing);

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<Long, String> health = new TreeMap<>();
        do {
            cluster.ids().forEach(id -> health.put(id, cluster.health(id)));
            if (health.values().stream().allMatch("healthy"::equals)) {
                return;
            }
            NodeChannels.sleep(Duration.ofSeconds(1));
        } while (System.nanoTime() < deadline);
        throw new AssertionError("docker HEALTHCHECK states after 30 s: " + health);
    }

    /** docker stop sends SIGTERM to java (PID 1), whose shutdown hook stops the node well within the grace period. */
    @Test
    @Order(7)
    void dockerStopStopsANodeCleanlyWithinTheGracePeriod() {
        long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(30));
        long follower = cluster.ids().stream().filter(id -> id != leader).findFirst().orElseThrow();
        long started = System.nanoTime();
        int exitCode = cluster.stop(follower, Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("container-tests: docker stop of node %d took %.1f s, exit code %d%n", follower, seconds, exitCode);
        assertEquals(143, exitCode, "the JVM exits on SIGTERM after its shutdown hook (137 would mean docker had to SIGKILL it)");
        assertTrue(seconds < 10, "stopped before the 10 s grace period ran out: " + seconds + " s");
    }

    /**
     * Runs the workload on fresh keys while {@code fault} injects and heals a fault, then checks the
     * history with a final read of every key, and that every node caught up.
     */
    private void checkedPhase(String name, Fault fault) throws Exception {
        List<String> keys = IntStream.range(0, 4).mapToObj(i -> name + "-" + i).toList();
        Path historyFile = HISTORIES.resolve(name + ".jsonl");
        int faultsBefore = cluster.faults();
        long started = System.nanoTime();
        RecordedWorkload.Counts counts;
        try (HistoryWriter history = HistoryWriter.create(historyFile)) {
            RecordedWorkload workload = new RecordedWorkload(nodes, keys, history, WORKERS, seed ^ name.hashCode());
            workload.start();
            try {
                NodeChannels.sleep(WARMUP);
                fault.inject();
                nodes.resetBackoff();
                NodeChannels.sleep(AFTER_HEAL);
            } finally {
                counts = workload.stop();
            }
        }
        long leader = nodes.awaitLeader(cluster.ids(), Duration.ofSeconds(60));
        Map<String, Value> finalValues = new TreeMap<>();
        for (String key : keys) {
            finalValues.put(key, RecordedWorkload.toValue(RecordedWorkload.readUntil(nodes, key, Duration.ofSeconds(30))));
        }
        History history = HistoryReader.read(historyFile);
        CheckResult result = LostWrites.check(history, finalValues, CHECK_TIMEOUT);
        int faults = cluster.faults() - faultsBefore;
        String summary = String.format("%s: %s, %d fault(s), %s, %.1f s", name, counts, faults, result.summary(),
                (System.nanoTime() - started) / 1e9);
        System.out.println("container-tests: " + summary);
        operationsChecked += result.operationCount();
        phaseSummaries.put(name, counts.total() + " ops");
        assertTrue(result.isLinearizable(), "history " + historyFile + ":\n" + result.report());
        assertTrue(counts.ok() >= 100, "the workload did too little to mean anything: " + counts);
        awaitConverged(leader, Duration.ofSeconds(60));
    }

    /** Waits until node {@code id} answers Status again (after a restart). */
    private void awaitAnswer(long id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            nodes.resetBackoff();
            if (nodes.status(id, Duration.ofSeconds(1)).isPresent()) {
                return;
            }
            NodeChannels.sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("node " + id + " did not answer within " + timeout.toSeconds() + " s of its restart");
    }

    /** Waits until every node has applied what the leader has committed (the workload has stopped). */
    private void awaitConverged(long leader, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, String> last = new TreeMap<>();
        while (System.nanoTime() < deadline) {
            nodes.resetBackoff();
            long commit = nodes.status(leader, Duration.ofSeconds(1)).map(StatusResponse::getCommitIndex).orElse(-1L);
            boolean converged = commit > 0;
            for (long id : cluster.ids()) {
                Optional<StatusResponse> status = nodes.status(id, Duration.ofSeconds(1));
                last.put(id, status.map(s -> "applied=" + s.getAppliedIndex() + " leader=" + s.getLeader()).orElse("no answer"));
                converged &= status.map(s -> s.getAppliedIndex() >= commit).orElse(false);
            }
            if (converged) {
                return;
            }
            NodeChannels.sleep(Duration.ofMillis(250));
        }
        throw new AssertionError("nodes did not catch up with leader " + leader + " within " + timeout.toSeconds() + " s: " + last);
    }
}
