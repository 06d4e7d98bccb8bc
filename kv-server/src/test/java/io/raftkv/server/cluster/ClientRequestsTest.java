package io.raftkv.server.cluster;

import static io.raftkv.server.cluster.Rpcs.bytes;
import static io.raftkv.server.cluster.Rpcs.errorCode;
import static io.raftkv.server.cluster.Rpcs.refused;
import static io.raftkv.server.cluster.Rpcs.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client-facing guarantees on one shared 3-node cluster: exactly-once retries, linearizable reads
 * on followers, and how a follower refuses writes. The tests write disjoint keys and never stop a
 * node, so sharing the cluster is safe.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientRequestsTest {
    @TempDir
    static Path dir;

    private InProcessCluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new InProcessCluster(dir, 3);
        cluster.leader();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aRetriedPutWithTheSameRequestIdIsAppliedOnceAndAnsweredWithItsFirstResult() {
        RequestId id = RequestId.newBuilder().setClientId(new Random().nextLong(1, Long.MAX_VALUE)).setSequence(1).build();
        PutRequest put = Rpcs.put("retried/put", "once").toBuilder().setRequestId(id).setPrevKv(true).build();

        // Both sends reach the same leader: a retry is answered from the session table, not re-applied.
        List<PutResponse> answers = cluster.withStableLeader(leader -> List.of(cluster.kv(leader).put(put), cluster.kv(leader).put(put)));
        PutResponse first = answers.get(0);
        PutResponse second = answers.get(1);
        long leader = cluster.leader();

        assertEquals(first.getHeader().getRevision(), second.getHeader().getRevision(), "revision in the header");
        assertEquals(first.toBuilder().clearHeader().build(), second.toBuilder().clearHeader().build(), "the answer");
        KeyValue stored = cluster.retryingElections(() -> Rpcs.read(cluster.kv(leader), "retried/put")).orElseThrow();
        assertEquals(1, stored.getVersion(), "the key was written once");
        assertEquals(first.getHeader().getRevision(), stored.getModRevision(), "mod_revision is the first write's");
        assertEquals(first.getHeader().getRevision(), stored.getCreateRevision(), "create_revision");
        assertEquals(stored.getModRevision(),
                cluster.retryingElections(() -> cluster.kv(leader).range(Rpcs.get("retried/put"))).getHeader().getRevision(),
                "the retry did not move the store's revision");
    }

    @Test
    void aRetriedTxnWithTheSameRequestIdIsAppliedOnceAndAnsweredWithItsFirstResult() {
        RequestId id = RequestId.newBuilder().setClientId(new Random().nextLong(1, Long.MAX_VALUE)).setSequence(1).build();
        // Applied twice, the compare (the key does not exist yet) would fail the second time.
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes("retried/txn")).setTarget(Compare.CompareTarget.VERSION)
                        .setResult(Compare.CompareResult.EQUAL).setVersion(0))
                .addSuccess(RequestOp.newBuilder().setRequestPut(Rpcs.put("retried/txn", "created")))
                .addFailure(RequestOp.newBuilder().setRequestPut(Rpcs.put("retried/txn", "existed")))
                .setRequestId(id).build();

        List<TxnResponse> answers = cluster.withStableLeader(leader -> List.of(cluster.kv(leader).txn(txn), cluster.kv(leader).txn(txn)));
        TxnResponse first = answers.get(0);
        TxnResponse second = answers.get(1);
        long leader = cluster.leader();

        assertTrue(first.getSucceeded(), "the first txn's compare held");
        assertEquals(first.getHeader().getRevision(), second.getHeader().getRevision(), "revision in the header");
        assertEquals(first.toBuilder().clearHeader().build(), second.toBuilder().clearHeader().build(), "the answer");
        KeyValue stored = cluster.retryingElections(() -> Rpcs.read(cluster.kv(leader), "retried/txn")).orElseThrow();
        assertEquals("created", text(stored.getValue()));
        assertEquals(1, stored.getVersion(), "the key was written once");
        assertEquals(first.getHeader().getRevision(), stored.getModRevision(), "mod_revision is the first txn's");

        // The next sequence of the same client is a new request and is applied.
        TxnResponse next = cluster.onLeader(current -> cluster.kv(current).txn(txn.toBuilder().setRequestId(id.toBuilder().setSequence(2)).build()));
        assertFalse(next.getSucceeded(), "a new request sees the key the first one created");
        assertEquals(2, cluster.retryingElections(() -> Rpcs.read(cluster.kv(leader), "retried/txn")).orElseThrow().getVersion());
    }

    @Test
    void aLinearizableReadOnAFollowerSeesAWriteAcknowledgedJustBefore() {
        long leader = cluster.leader();
        List<Long> followers = cluster.followersOf(leader);
        for (int i = 0; i < 200; i++) {
            long follower = followers.get(i % followers.size());
            String value = "v" + i;
            PutResponse put = cluster.onLeader(current -> Rpcs.write(cluster.kv(current), "follower-read/key", value));
            RangeResponse read = cluster.retryingElections(() -> cluster.kv(follower).range(Rpcs.get("follower-read/key")));
            assertEquals(1, read.getKvsCount(), "iteration " + i + ": node " + follower + " saw no key");
            assertEquals(value, text(read.getKvs(0).getValue()), "iteration " + i + ": stale read on node " + follower);
            assertTrue(read.getHeader().getRevision() >= put.getHeader().getRevision(),
                    "iteration " + i + ": read revision " + read.getHeader().getRevision() + " < write revision "
                            + put.getHeader().getRevision());
        }
    }

    @Test
    void writesOnAFollowerAreRefusedWithNotLeaderNamingTheLeadersIdAndClientAddress() {
        AtomicInteger attempts = new AtomicInteger();
        cluster.withStableLeader(leader -> {
            String key = "on-follower/" + attempts.incrementAndGet();
            long follower = cluster.followersOf(leader).getFirst();
            long revision = cluster.kv(leader).range(Rpcs.get(key)).getHeader().getRevision();
            List<Executable> writes = List.of(
                    () -> cluster.kv(follower).put(Rpcs.put(key, "v")),
                    () -> cluster.kv(follower).deleteRange(Rpcs.delete(key)),
                    () -> cluster.kv(follower).txn(TxnRequest.newBuilder()
                            .addSuccess(RequestOp.newBuilder().setRequestPut(Rpcs.put(key, "v"))).build()));
            for (Executable write : writes) {
                StatusRuntimeException e = refused(write);
                assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), Rpcs.describe(e));
                assertEquals("NOT_LEADER", errorCode(e), Rpcs.describe(e));
                NotLeader notLeader = Rpcs.notLeader(e);
                assertNotNull(notLeader, "the raftkv-not-leader-bin trailer is missing: " + Rpcs.describe(e));
                assertEquals(leader, notLeader.getLeaderId(), "leader id in the trailer");
                assertEquals(cluster.clientAddress(leader), notLeader.getLeaderAddress(), "leader address in the trailer");
            }
            RangeResponse after = cluster.kv(leader).range(Rpcs.get(key));
            assertEquals(0, after.getKvsCount(), "a refused write left a key behind");
            assertEquals(revision, after.getHeader().getRevision(), "a refused write moved the revision");
            return null;
        });
    }
}
