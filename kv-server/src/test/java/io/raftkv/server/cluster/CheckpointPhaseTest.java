package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.server.loop.CheckpointSchedule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes spread their checkpoints over the snapshot interval instead of all taking one at the same index. */
class CheckpointPhaseTest {
    /** Long enough that a checkpoint (tens of ms here) ends before the node's next grid point. */
    private static final int SNAPSHOT_ENTRIES = 60;
    /** Entries a node may apply past its grid point before it starts: the batch that crosses it. */
    private static final int SLACK = 3;

    @TempDir
    Path dir;

    @Test
    void theThreeNodesStartCheckpointsAtIndexesAThirdOfAnIntervalApart() throws Exception {
        Map<String, String> flags = Map.of("--snapshot-entries", String.valueOf(SNAPSHOT_ENTRIES),
                "--snapshot-retain-entries", "10");
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, flags)) {
            cluster.awaitLeader(InProcessCluster.LEADER_TIMEOUT);
            // One write at a time: every node applies them one per batch, so without the phases all
            // three would cross the threshold at the same index.
            for (int i = 0; i < 3 * SNAPSHOT_ENTRIES; i++) {
                String key = "k" + i;
                cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), key, "v"));
            }
            Map<Long, Long> starts = new TreeMap<>();
            for (long id : cluster.running().keySet()) {
                InProcessCluster.await(Duration.ofSeconds(20), "node " + id + " to start a checkpoint past "
                        + 2 * SNAPSHOT_ENTRIES, () -> startedIndex(cluster, id) > 2 * SNAPSHOT_ENTRIES);
                starts.put(id, startedIndex(cluster, id));
            }
            for (var start : starts.entrySet()) {
                long gridPoint = CheckpointSchedule.forNode(start.getKey(), SNAPSHOT_ENTRIES).pointAtOrBelow(start.getValue());
                assertTrue(start.getValue() - gridPoint <= SLACK, "node " + start.getKey() + " started its last checkpoint at "
                        + start.getValue() + ", not at its grid point " + gridPoint + "; all starts: " + starts);
            }
            Long[] indexes = starts.values().toArray(Long[]::new);
            for (int a = 0; a < indexes.length; a++) {
                for (int b = a + 1; b < indexes.length; b++) {
                    assertTrue(Math.abs(indexes[a] - indexes[b]) >= SNAPSHOT_ENTRIES / 3 - SLACK,
                            "the nodes last started checkpoints at " + starts + ": they should be spread over the interval");
                }
            }
        }
    }

    private static long startedIndex(InProcessCluster cluster, long id) {
        try {
            return (long) cluster.metric(id, "raft_snapshot_started_index");
        } catch (Exception e) {
            throw new AssertionError("could not read node " + id + "'s metrics", e);
        }
    }
}
