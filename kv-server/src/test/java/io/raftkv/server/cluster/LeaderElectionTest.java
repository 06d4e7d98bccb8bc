package io.raftkv.server.cluster;

import static io.raftkv.server.cluster.Rpcs.getSerializable;
import static io.raftkv.server.cluster.Rpcs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Election and replication on 3- and 5-node clusters, observed through the client API only. */
class LeaderElectionTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void aClusterElectsExactlyOneLeaderThatEveryNodeAgreesOn(int size) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, size)) {
            Map<Long, StatusResponse> statuses = new TreeMap<>();
            // An election may still be settling when the nodes come up; wait for a stable view.
            InProcessCluster.await(InProcessCluster.LEADER_TIMEOUT, "one leader every node agrees on", () -> {
                statuses.clear();
                for (long id = 1; id <= size; id++) {
                    statuses.put(id, cluster.maintenance(id).status(StatusRequest.getDefaultInstance()));
                }
                long leaders = statuses.values().stream().filter(status -> status.getRaftState().equals("leader")).count();
                long leader = statuses.get(1L).getLeader();
                long term = statuses.get(1L).getRaftTerm();
                return leaders == 1 && leader != 0 && statuses.values().stream()
                        .allMatch(status -> status.getLeader() == leader && status.getRaftTerm() == term);
            });
            List<Long> claimants = new ArrayList<>();
            statuses.forEach((id, status) -> {
                if (status.getRaftState().equals("leader")) {
                    claimants.add(id);
                }
            });
            assertEquals(1, claimants.size(), "nodes that say they lead: " + claimants);
            long leader = claimants.getFirst();
            statuses.forEach((id, status) -> {
                assertEquals(leader, status.getLeader(), "node " + id + "'s leader");
                assertEquals(id, status.getMemberId(), "node " + id + "'s member id");
                assertEquals(id == leader ? "leader" : "follower", status.getRaftState(), "node " + id + "'s role");
            });
        }
    }

    @ParameterizedTest(name = "{0} nodes")
    @ValueSource(ints = {3, 5})
    void aCommittedWriteIsReadableFromEveryNode(int size) throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, size)) {
            PutResponse put = cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), "greeting", "hello " + size));
            long revision = put.getHeader().getRevision();
            assertTrue(revision > 1, "a put moves the revision past 1: " + put);

            for (long id = 1; id <= size; id++) {
                long node = id;
                KeyValue kv = cluster.retryingElections(() -> Rpcs.read(cluster.kv(node), "greeting")).orElseThrow(
                        () -> new AssertionError("a linearizable read missed the committed write"));
                assertEquals("hello " + size, text(kv.getValue()), "linearizable read on node " + id);
                assertEquals(revision, kv.getModRevision(), "mod_revision on node " + id);
                assertEquals(1, kv.getVersion(), "version on node " + id);
            }
            for (long id = 1; id <= size; id++) {
                long node = id;
                // A serializable read is served from local state: it sees the write once the node has applied it.
                InProcessCluster.await(Duration.ofSeconds(10), "node " + node + " to apply the write locally", () -> {
                    RangeResponse local = cluster.kv(node).range(getSerializable("greeting"));
                    return local.getKvsCount() == 1 && text(local.getKvs(0).getValue()).equals("hello " + size);
                });
            }
        }
    }
}
