package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full proposal queue refuses writes at once with RESOURCE_EXHAUSTED; what it accepts is applied whole. */
class ProposalQueueTest {
    private static final int BURST = 200;
    private static final int BURSTS_MAX = 10;

    @TempDir
    Path dir;

    private enum Outcome { OK, QUEUE_FULL }

    @Test
    void aBurstOfWritesBeyondAFullProposalQueueIsRefusedWithQueueFullAndTheRestIsAppliedWhole() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3, Map.of("--proposal-queue", "1"))) {
            AtomicInteger bursts = new AtomicInteger();
            int[] counts = new int[2];
            // The raft loop drains its queue every turn, so a burst overflows a queue of one only
            // when requests arrive together; a few bursts make that certain without a timing assumption.
            while (counts[Outcome.QUEUE_FULL.ordinal()] == 0 && bursts.get() < BURSTS_MAX) {
                List<Outcome> outcomes = cluster.withStableLeader(leader -> burst(cluster, leader, bursts.incrementAndGet()));
                for (Outcome outcome : outcomes) {
                    counts[outcome.ordinal()]++;
                }
            }
            assertTrue(counts[Outcome.QUEUE_FULL.ordinal()] > 0, "no write was refused in " + bursts + " bursts of " + BURST);
            assertTrue(counts[Outcome.OK.ordinal()] > 0, "no write succeeded in " + bursts + " bursts");
            System.out.printf("proposal queue of 1: %d writes ok, %d refused QUEUE_FULL in %d bursts%n",
                    counts[Outcome.OK.ordinal()], counts[Outcome.QUEUE_FULL.ordinal()], bursts.get());
        }
    }

    /**
     * Sends {@link #BURST} writes at once, each a Txn of two puts, and checks every answer: OK, and
     * both keys are there; or RESOURCE_EXHAUSTED with QUEUE_FULL, and neither is. Any other answer
     * fails the test.
     */
    private static List<Outcome> burst(InProcessCluster cluster, long leader, int burst) {
        List<ListenableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            String prefix = "burst/" + burst + "/" + i + "/";
            sent.add(cluster.kvAsync(leader).txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(Rpcs.put(prefix + "a", "v")))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(Rpcs.put(prefix + "b", "v"))).build()));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (ListenableFuture<?> answer : sent) {
            try {
                answer.get(InProcessCluster.RPC_DEADLINE_SECONDS + 1, TimeUnit.SECONDS);
                outcomes.add(Outcome.OK);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof StatusRuntimeException status)) {
                    throw new AssertionError("write failed without a status", e);
                }
                assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getStatus().getCode(), Rpcs.describe(status));
                assertEquals("QUEUE_FULL", Rpcs.errorCode(status), Rpcs.describe(status));
                outcomes.add(Outcome.QUEUE_FULL);
            } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no answer to a write of burst " + burst, e);
            }
        }
        RangeResponse stored = cluster.kv(leader).range(Rpcs.prefix("burst/" + burst + "/"));
        List<String> keys = stored.getKvsList().stream().map(kv -> Rpcs.text(kv.getKey())).toList();
        for (int i = 0; i < BURST; i++) {
            String prefix = "burst/" + burst + "/" + i + "/";
            boolean expected = outcomes.get(i) == Outcome.OK;
            assertEquals(expected, keys.contains(prefix + "a"), prefix + "a after " + outcomes.get(i));
            assertEquals(expected, keys.contains(prefix + "b"), prefix + "b after " + outcomes.get(i));
        }
        return outcomes;
    }
}
