package io.raftkv.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.StateRole;
import io.raftkv.server.loop.LoopStatus;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoopMetricsTest {
    @TempDir
    Path dataDir;

    private static double sample(NodeMetrics metrics, String series) {
        String text = metrics.scrape();
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        assertTrue(matcher.find(), () -> "no sample " + series + " in:\n" + text);
        return Double.parseDouble(matcher.group(1));
    }

    @Test
    void loopEventsLandInTheNodeMetrics() {
        AtomicReference<LoopStatus> status = new AtomicReference<>();
        try (NodeMetrics metrics = new NodeMetrics(2, dataDir)) {
            LoopMetrics observer = new LoopMetrics(metrics, status::get);
            observer.committed(1); // before the loop publishes a status: nothing to refresh, no failure
            status.set(new LoopStatus(2, 5, 2, StateRole.LEADER, 17, 16, 18, ConfState.ofVoters(1, 2, 3), 1));
            observer.roleChanged(new SoftState(0, StateRole.CANDIDATE), new SoftState(2, StateRole.LEADER), 5);
            observer.fsync(200_000, 3);
            observer.proposalsAccepted(3);
            observer.proposalsDropped("queue_full", 1);
            observer.committed(3);
            observer.applied(3, 50_000);
            observer.readIndexLatency(1_000_000);
            observer.snapshotTaken(1024, 2_000_000);
            observer.inboundDropped();

            assertEquals(5, sample(metrics, "raft_term{node_id=\"2\"}"));
            assertEquals(3, sample(metrics, "raft_role{node_id=\"2\"}"));
            assertEquals(1, sample(metrics, "raft_is_leader{node_id=\"2\"}"));
            assertEquals(1, sample(metrics, "raft_leader_changes_total{node_id=\"2\"}"));
            assertEquals(17, sample(metrics, "raft_commit_index{node_id=\"2\"}"));
            assertEquals(16, sample(metrics, "raft_applied_index{node_id=\"2\"}"));
            assertEquals(1, sample(metrics, "raft_fsync_latency_seconds_count{node_id=\"2\"}"));
            assertEquals(3, sample(metrics, "raft_proposals_total{node_id=\"2\",reason=\"none\",result=\"accepted\"}"));
            assertEquals(1, sample(metrics, "raft_proposals_total{node_id=\"2\",reason=\"queue_full\",result=\"dropped\"}"));
            assertEquals(4, sample(metrics, "raft_commits_total{node_id=\"2\"}"));
            assertEquals(3, sample(metrics, "raft_applies_total{node_id=\"2\"}"));
            assertEquals(1, sample(metrics, "raft_readindex_latency_seconds_count{node_id=\"2\"}"));
            assertEquals(1024, sample(metrics, "raft_snapshot_bytes_sum{kind=\"created\",node_id=\"2\"}"));
        }
    }
}
