package io.raftkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.SoftState;
import io.raftkv.raft.StateRole;
import io.raftkv.server.peer.PeerServiceCounters;
import io.raftkv.server.peer.PeerTransportCounters;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeMetricsTest {
    @TempDir
    Path dataDir;

    private NodeMetrics metrics;

    @BeforeEach
    void setUp() {
        metrics = new NodeMetrics(3, dataDir);
    }

    @AfterEach
    void tearDown() {
        metrics.close();
    }

    /** The value of the one sample whose line starts with {@code series} (name and labels as scraped). */
    private double sample(String series) {
        String text = metrics.scrape();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(matcher.find(), () -> "no sample " + series + " in:\n" + text);
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void proposalsAreCountedByResultAndReason() {
        metrics.proposalsAccepted(5);
        metrics.proposalsDropped("NO_LEADER", 2);
        metrics.proposalsDropped("NO_LEADER", 1);
        metrics.proposalsDropped("QUEUE_FULL", 4);
        assertEquals(5, sample("raft_proposals_total{node_id=\"3\",reason=\"none\",result=\"accepted\"}"));
        assertEquals(3, sample("raft_proposals_total{node_id=\"3\",reason=\"NO_LEADER\",result=\"dropped\"}"));
        assertEquals(4, sample("raft_proposals_total{node_id=\"3\",reason=\"QUEUE_FULL\",result=\"dropped\"}"));
    }

    @Test
    void commitsAppliesAndFsyncsAreRecorded() {
        metrics.committed(7);
        metrics.applied(6, 2_000_000);
        metrics.recordFsync(250_000, 4);
        metrics.recordFsync(150_000, 0);
        assertEquals(7, sample("raft_commits_total{node_id=\"3\"}"));
        assertEquals(6, sample("raft_applies_total{node_id=\"3\"}"));
        assertEquals(2, sample("raft_fsync_latency_seconds_count{node_id=\"3\"}"));
        assertEquals(0.0004, sample("raft_fsync_latency_seconds_sum{node_id=\"3\"}"), 1e-9);
        assertTrue(metrics.scrape().contains("raft_fsync_latency_seconds_bucket{"), "a percentile histogram");
        assertEquals(4, sample("raft_fsync_entries_sum{node_id=\"3\"}"));
    }

    @Test
    void raftStateIsReportedByGauges() {
        metrics.term(9);
        metrics.role(StateRole.CANDIDATE);
        metrics.commitIndex(41);
        metrics.appliedIndex(40);
        assertEquals(9, sample("raft_term{node_id=\"3\"}"));
        assertEquals(2, sample("raft_role{node_id=\"3\"}"));
        assertEquals(0, sample("raft_is_leader{node_id=\"3\"}"));
        assertEquals(0, sample("raft_has_leader{node_id=\"3\"}"));
        assertEquals(41, sample("raft_commit_index{node_id=\"3\"}"));
        assertEquals(40, sample("raft_applied_index{node_id=\"3\"}"));
        metrics.softState(new SoftState(3, StateRole.LEADER));
        assertEquals(3, sample("raft_role{node_id=\"3\"}"));
        assertEquals(1, sample("raft_is_leader{node_id=\"3\"}"));
        assertEquals(1, sample("raft_has_leader{node_id=\"3\"}"));
    }

    @Test
    void roleCodesAreFixed() {
        assertEquals(0, NodeMetrics.roleCode(StateRole.FOLLOWER));
        assertEquals(1, NodeMetrics.roleCode(StateRole.PRE_CANDIDATE));
        assertEquals(2, NodeMetrics.roleCode(StateRole.CANDIDATE));
        assertEquals(3, NodeMetrics.roleCode(StateRole.LEADER));
    }

    @Test
    void aLeaderChangeIsCountedWhenANewLeaderBecomesKnown() {
        metrics.leader(0);
        metrics.leader(1);
        metrics.leader(1);
        metrics.leader(0);
        metrics.leader(1);
        metrics.leader(2);
        assertEquals(3, sample("raft_leader_changes_total{node_id=\"3\"}"));
    }

    @Test
    void queuesAreReadAtScrapeTime() {
        ArrayBlockingQueue<String> proposals = new ArrayBlockingQueue<>(8);
        metrics.registerQueue("proposals", proposals::size, proposals.remainingCapacity());
        proposals.add("a");
        proposals.add("b");
        assertEquals(2, sample("raft_queue_depth{node_id=\"3\",queue=\"proposals\"}"));
        assertEquals(8, sample("raft_queue_capacity{node_id=\"3\",queue=\"proposals\"}"));
        proposals.clear();
        assertEquals(0, sample("raft_queue_depth{node_id=\"3\",queue=\"proposals\"}"));
    }

    @Test
    void anyGaugeCanBeRegisteredWithTags() {
        AtomicLong bytes = new AtomicLong(12);
        metrics.registerGauge("rocksdb.live.bytes", bytes::get, "store", "state");
        assertEquals(12, sample("rocksdb_live_bytes{node_id=\"3\",store=\"state\"}"));
        assertThrows(IllegalArgumentException.class, () -> metrics.registerGauge("Bad Name", bytes::get));
    }

    @Test
    void readIndexSnapshotsAndRequestsAreRecorded() {
        metrics.recordReadIndex(1_000_000);
        metrics.snapshotStarted(120);
        metrics.readIndexResent(2);
        metrics.snapshotCreated(4096, 3_000_000);
        metrics.snapshotInstalled(2048, 1_000_000);
        metrics.recordGrpcRequest("raftkv.KV/Put", "OK", 2_000_000);
        assertEquals(1, sample("raft_readindex_latency_seconds_count{node_id=\"3\"}"));
        assertEquals(2, sample("raft_readindex_resent_total{node_id=\"3\"}"));
        assertEquals(120, sample("raft_snapshot_started_index{node_id=\"3\"}"));
        assertEquals(4096, sample("raft_snapshot_bytes_sum{kind=\"created\",node_id=\"3\"}"));
        assertEquals(1, sample("raft_snapshot_duration_seconds_count{kind=\"installed\",node_id=\"3\"}"));
        assertEquals(1, sample("grpc_server_requests_seconds_count{method=\"raftkv.KV/Put\",node_id=\"3\",status=\"OK\"}"));
        assertEquals(1, sample("grpc_server_requests_seconds_bucket{method=\"raftkv.KV/Put\",node_id=\"3\",status=\"OK\",le=\"0.005\"}"));
    }

    @Test
    void peerCountersAreExportedAtScrapeTime() {
        metrics.bindPeerCounters(new PeerTransportCounters(), new PeerServiceCounters());
        assertEquals(0, sample("raft_peer_messages_sent_total{node_id=\"3\"}"));
        assertEquals(0, sample("raft_peer_messages_dropped_total{direction=\"inbound\",node_id=\"3\",reason=\"queue_full\"}"));
        assertEquals(0, sample("raft_peer_messages_dropped_total{direction=\"outbound\",node_id=\"3\",reason=\"unknown_peer\"}"));
        assertEquals(0, sample("raft_peer_snapshots_total{direction=\"received\",node_id=\"3\",result=\"rejected\"}"));
        assertEquals(0, sample("raft_peer_snapshot_bytes_total{direction=\"sent\",node_id=\"3\"}"));
        assertEquals(0, sample("raft_peer_streams_rejected_total{node_id=\"3\",reason=\"malformed\"}"));
    }

    @Test
    void tagValuesBeyondTheCapAreCountedAsOther() {
        for (int i = 0; i < NodeMetrics.TAG_VALUES_MAX + 10; i++) {
            metrics.proposalsDropped("reason_" + i, 1);
        }
        assertEquals(10, sample("raft_proposals_total{node_id=\"3\",reason=\"other\",result=\"dropped\"}"));
        long series = metrics.scrape().lines().filter(line -> line.startsWith("raft_proposals_total{")).count();
        assertEquals(1 + NodeMetrics.TAG_VALUES_MAX + 1, series, "accepted, the capped reasons, other");
    }

    @Test
    void jvmMetersAreBound() {
        String text = metrics.scrape();
        for (String name : new String[] {"jvm_memory_used_bytes", "jvm_threads_live_threads", "jvm_gc_", "process_cpu_usage",
            "disk_free_bytes", "process_uptime_seconds"}) {
            assertTrue(text.contains(name), name);
        }
    }
}
