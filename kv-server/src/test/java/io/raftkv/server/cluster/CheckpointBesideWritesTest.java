package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.server.RaftKvNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints run on a thread of their own: a slow one (its flush and syncs took 20-230 ms on a
 * loaded disk) must not hold the node's writes, which it did while the apply thread took it.
 */
class CheckpointBesideWritesTest {
    private static final long STALL_MILLIS = 5_000;
    private static final long WRITES_MILLIS_MAX = 2_500;

    @TempDir
    Path dir;

    @Test
    void writesAreAnsweredWhileEveryNodesCheckpointIsStalled() throws Exception {
        Map<String, String> flags = Map.of("--snapshot-entries", "20", "--snapshot-retain-entries", "10",
                "--failpoints", "snapshot-save=stall:" + STALL_MILLIS);
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, flags)) {
            cluster.awaitLeader(InProcessCluster.LEADER_TIMEOUT);
            // Past the threshold: each node hands a checkpoint over, which stalls before it begins.
            for (int i = 0; i < 25; i++) {
                String key = "before/" + i;
                cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), key, "v"));
            }
            long start = System.nanoTime();
            for (int i = 0; i < 50; i++) {
                String key = "during/" + i;
                cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), key, "v"));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < WRITES_MILLIS_MAX, "50 writes took " + millis + " ms while the checkpoints stalled "
                    + STALL_MILLIS + " ms; they must not wait for them");
            for (RaftKvNode node : cluster.running().values()) {
                assertEquals(1, node.storage().log().snapshot().index(), "node " + node.config().nodeId()
                        + " finished a checkpoint inside the stall: the test did not overlap writes with one");
            }
        }
    }
}
