package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.server.RaftKvNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nodes spread their checkpoints over the snapshot interval instead of all taking one at the same index. */
class CheckpointPhaseTest {
    private static final int SNAPSHOT_ENTRIES = 30;

    @TempDir
    Path dir;

    @Test
    void theThreeNodesCheckpointAtIndexesAThirdOfAnIntervalApart() throws Exception {
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
            for (RaftKvNode node : cluster.running().values()) {
                InProcessCluster.await(Duration.ofSeconds(20), "node " + node.config().nodeId() + " to checkpoint past "
                        + 2 * SNAPSHOT_ENTRIES, () -> node.storage().log().snapshot().index() > 2 * SNAPSHOT_ENTRIES);
            }
            List<Long> indexes = new ArrayList<>();
            for (RaftKvNode node : cluster.running().values()) {
                indexes.add(node.storage().log().snapshot().index());
            }
            for (int a = 0; a < indexes.size(); a++) {
                for (int b = a + 1; b < indexes.size(); b++) {
                    assertTrue(Math.abs(indexes.get(a) - indexes.get(b)) >= SNAPSHOT_ENTRIES / 3 - 2,
                            "the nodes' newest snapshots are at " + indexes + ": they should be spread over the interval");
                }
            }
        }
    }
}
