package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.server.RaftKvNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped follower comes back on its own data and catches up: from the log, or by a snapshot. */
class CatchUpTest {
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void aRestartedFollowerCatchesUpFromItsDiskAndServesTheSameDataAndMetadata() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3)) {
            for (int i = 0; i < 20; i++) {
                String key = "restart/" + i;
                cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), key, "first"));
            }
            long follower = cluster.followersOf(cluster.leader()).getFirst();
            long appliedBeforeStop = cluster.node(follower).loop().status().applied();
            cluster.stop(follower);

            // While it is down: new keys, second versions of old ones, and a delete.
            for (int i = 0; i < 20; i++) {
                String key = "restart/" + i;
                cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), key, "second"));
                cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), "restart/new/" + key, "new"));
            }
            cluster.onLeader(leader -> cluster.kv(leader).deleteRange(Rpcs.delete("restart/0")));

            RaftKvNode restarted = cluster.start(follower);
            assertTrue(restarted.storage().stateMachine().appliedIndex() >= appliedBeforeStop,
                    "the follower reopened its own data (applied " + restarted.storage().stateMachine().appliedIndex()
                            + ", was " + appliedBeforeStop + " when stopped)");
            awaitSameData(cluster, follower);
        }
    }

    @Test
    void aFollowerFarBehindCatchesUpByASnapshotWhenTheLeaderHasCompactedPastIt() throws Exception {
        Map<String, String> lowSnapshotThreshold = Map.of("--snapshot-entries", "50", "--snapshot-retain-entries", "10");
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, lowSnapshotThreshold)) {
            cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), "snapshot/early", "before the follower stopped"));
            long follower = cluster.followersOf(cluster.leader()).getFirst();
            cluster.awaitApplied(follower, cluster.node(cluster.leader()).loop().status().commit(), CATCH_UP_TIMEOUT);
            long followerLastIndex = cluster.node(follower).storage().log().lastIndex();
            cluster.stop(follower);

            writeConcurrently(cluster, "snapshot/bulk/", 300);
            // Whichever of them leads when the follower returns must lack the entries it needs.
            for (RaftKvNode node : cluster.running().values()) {
                InProcessCluster.await(CATCH_UP_TIMEOUT, "node " + node.config().nodeId() + " to compact its log past the "
                        + "follower's last index " + followerLastIndex, () -> node.storage().log().firstIndex() > followerLastIndex + 1);
            }

            RaftKvNode restarted = cluster.start(follower);
            awaitSameData(cluster, follower);

            // The entries the follower lacked were gone from every log: only a snapshot could bring it here.
            assertTrue(cluster.metric(follower, "raft_peer_snapshots_total", "direction=\"received\"", "result=\"ok\"") >= 1,
                    "the follower counts no snapshot received:\n" + cluster.metricsText(follower));
            assertTrue(restarted.storage().log().snapshot().index() > followerLastIndex,
                    "the follower's log starts at snapshot " + restarted.storage().log().snapshot().index()
                            + ", not past its old last index " + followerLastIndex);
        }
    }

    /**
     * Regression: taking a checkpoint pruned every {@code *.tmp} entry of the snapshots directory,
     * which the peer transport shares for the work directory of a snapshot being received
     * ({@code incoming-<from>-<index>.tmp}); a follower that checkpointed while a snapshot arrived
     * failed the transfer (NoSuchFileException), and the leader had to send it again.
     */
    @Test
    void takingACheckpointLeavesTheWorkDirectoryOfAnArrivingSnapshotAlone() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, Map.of("--snapshot-entries", "20",
                "--snapshot-retain-entries", "10"))) {
            Map<Long, Path> arriving = new java.util.TreeMap<>();
            Map<Long, Long> snapshotBefore = new java.util.TreeMap<>();
            for (RaftKvNode node : cluster.running().values()) {
                Path work = node.storage().directory().snapshots().resolve("incoming-99-12345.tmp");
                Files.createDirectories(work);
                Files.writeString(work.resolve("000001.sst"), "half a file");
                arriving.put(node.config().nodeId(), work);
                snapshotBefore.put(node.config().nodeId(), node.storage().log().snapshot().index());
            }
            writeConcurrently(cluster, "checkpoint/", 60);
            for (RaftKvNode node : cluster.running().values()) {
                long id = node.config().nodeId();
                InProcessCluster.await(CATCH_UP_TIMEOUT, "node " + id + " to take a checkpoint",
                        () -> node.storage().log().snapshot().index() > snapshotBefore.get(id));
                assertTrue(Files.exists(arriving.get(id).resolve("000001.sst")),
                        "node " + id + "'s checkpoint deleted the transport's " + arriving.get(id));
            }
        }
    }

    /** Puts {@code count} keys under {@code prefix}, 25 in flight at a time, on whichever node leads. */
    private static void writeConcurrently(InProcessCluster cluster, String prefix, int count) throws Exception {
        for (int start = 0; start < count; start += 25) {
            long leader = cluster.leader();
            List<ListenableFuture<PutResponse>> inFlight = new ArrayList<>();
            for (int i = start; i < Math.min(count, start + 25); i++) {
                inFlight.add(cluster.kvAsync(leader).put(Rpcs.put(prefix + i, "value-" + i)));
            }
            for (int i = 0; i < inFlight.size(); i++) {
                try {
                    inFlight.get(i).get(InProcessCluster.RPC_DEADLINE_SECONDS + 1, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    // Leadership moved mid-batch: write that key again on the new leader (a put is idempotent here).
                    String key = prefix + (start + i);
                    String value = "value-" + (start + i);
                    cluster.onLeader(current -> Rpcs.write(cluster.kv(current), key, value));
                }
            }
        }
    }

    /**
     * Waits until {@code node} answers a linearizable read of everything (it may refuse or time out
     * while it starts and catches up), then checks that it serves exactly what the leader serves:
     * every key with its value, create_revision, mod_revision and version, and the same revision.
     * Nothing writes meanwhile, so any difference in an answer is a stale read, not a race.
     */
    private static void awaitSameData(InProcessCluster cluster, long node) {
        RangeResponse[] answer = new RangeResponse[1];
        InProcessCluster.await(CATCH_UP_TIMEOUT, "node " + node + " to answer a linearizable read", () -> {
            try {
                answer[0] = cluster.kv(node).range(Rpcs.everything());
                return true;
            } catch (StatusRuntimeException e) {
                return false;
            }
        });
        RangeResponse expected = cluster.onLeader(leader -> cluster.kv(leader).range(Rpcs.everything()));
        assertTrue(expected.getKvsCount() > 0, "the leader serves keys");
        assertEquals(expected.getKvsList(), answer[0].getKvsList(), "linearizable read on node " + node);
        assertEquals(expected.getHeader().getRevision(), answer[0].getHeader().getRevision(), "revision on node " + node);
        // A serializable read is local: once caught up, it serves the same data too.
        RangeResponse local = cluster.kv(node).range(Rpcs.everything().toBuilder().setSerializable(true).build());
        assertEquals(expected.getKvsList(), local.getKvsList(), "serializable read on node " + node);
        assertEquals(expected.getHeader().getRevision(), local.getHeader().getRevision(), "serializable revision");
    }
}
