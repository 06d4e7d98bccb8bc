package io.raftkv.server.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.api.Member;
import io.raftkv.raft.Config;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Message;
import io.raftkv.raft.RaftNode;
import io.raftkv.server.storage.NodeStorage;
import io.raftkv.server.storage.StorageOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One real raft loop as node 1, a follower of a leader (node 2) played by the test, whose messages
 * go nowhere unless the test answers them: a lost read-index request or answer is sent again.
 */
class FollowerReadResendTest {
    private static final long TERM = 1;
    private static final long LEADER = 2;

    @TempDir
    Path dir;

    private final List<Message> sent = new CopyOnWriteArrayList<>();
    private final List<Throwable> fatal = new CopyOnWriteArrayList<>();
    private final AtomicInteger resent = new AtomicInteger();
    private NodeStorage storage;
    private RaftLoop loop;

    @BeforeEach
    void startFollower() {
        storage = NodeStorage.open(dir, 7, 1, StorageOptions.DEFAULTS);
        storage.bootstrap(ConfState.ofVoters(1, 2, 3), List.of(member(1), member(2), member(3)));
        // A 2-4 s election timeout: the node stays a follower while the test plays the leader.
        Config config = Config.defaults(1, 42).withTicks(200, 1);
        LoopObserver observer = new LoopObserver() {
            @Override
            public void readIndexResent(int rounds) {
                resent.addAndGet(rounds);
            }
        };
        ApplyLoop applyLoop = new ApplyLoop(1, storage.stateMachine(), storage.checkpoints(), 1_000, 10, 16, 16,
                observer, () -> { }, fatal::add);
        LogWriter writer = new LogWriter() {
            @Override
            public void save(io.raftkv.raft.HardState hardState, List<io.raftkv.raft.Entry> entries,
                             io.raftkv.raft.Snapshot snapshot, boolean sync) {
                storage.log().save(hardState, entries, snapshot, sync);
            }

            @Override
            public void compact(io.raftkv.raft.SnapshotMetadata snapshot, byte[] descriptor, long retainEntries) {
                storage.log().compact(snapshot, descriptor, retainEntries);
            }
        };
        loop = new RaftLoop(new RaftNode(config, storage.log()), writer, sent::addAll, applyLoop,
                new LoopLimits(10, 64, 64, 64, 64, 1 << 20), observer, fatal::add);
        loop.start();
        loop.offerInbound(new Message.Heartbeat(LEADER, 1, TERM, 0, 0));
        awaitTrue(() -> loop.status().leader() == LEADER, "node 1 to follow node 2");
    }

    @AfterEach
    void stop() {
        if (loop != null) {
            loop.close();
        }
        if (storage != null) {
            storage.close();
        }
        assertEquals(List.of(), fatal, "the loop failed");
    }

    @Test
    void aReadIndexRequestLostOnTheWayIsSentAgainWithTheSameContextAndItsAnswerReleasesTheRead() throws Exception {
        CompletableFuture<Long> read = loop.readIndex();
        Message.ReadIndexRequest first = awaitRequest(1);
        long firstSentNanos = System.nanoTime();
        // The first request is lost: no answer. The loop must ask again, about 500 ms later.
        Message.ReadIndexRequest second = awaitRequest(2);
        assertTrue(System.nanoTime() - firstSentNanos >= RaftLoop.READ_RESEND_NANOS / 2, "sent again too soon");
        assertEquals(first.context(), second.context());
        assertEquals(LEADER, second.to());
        assertFalse(read.isDone());
        assertTrue(resent.get() >= 1);

        loop.offerInbound(new Message.ReadIndexResponse(LEADER, 1, TERM, second.context(), applied()));
        assertEquals(applied(), read.get(5, TimeUnit.SECONDS));
    }

    @Test
    void anAnswerToAnEarlierCopyReleasesTheReadAndALaterCopysAnswerIsIgnored() throws Exception {
        CompletableFuture<Long> read = loop.readIndex();
        Message.ReadIndexRequest first = awaitRequest(1);
        awaitRequest(2); // the first answer was lost, or just slow
        loop.offerInbound(new Message.ReadIndexResponse(LEADER, 1, TERM, first.context(), applied()));
        assertEquals(applied(), read.get(5, TimeUnit.SECONDS));
        loop.offerInbound(new Message.ReadIndexResponse(LEADER, 1, TERM, first.context(), applied()));

        // The round is closed: nothing is sent again, and a new read gets a round of its own.
        int requestsBefore = requests().size();
        Thread.sleep(TimeUnit.NANOSECONDS.toMillis(RaftLoop.READ_RESEND_NANOS) + 200);
        assertEquals(requestsBefore, requests().size());
        CompletableFuture<Long> next = loop.readIndex();
        Message.ReadIndexRequest nextRequest = awaitRequest(requestsBefore + 1);
        assertTrue(nextRequest.context() != first.context());
        loop.offerInbound(new Message.ReadIndexResponse(LEADER, 1, TERM, nextRequest.context(), applied()));
        assertEquals(applied(), next.get(5, TimeUnit.SECONDS));
    }

    /** What the leader answers: the index the bootstrap left applied, so the read needs no more entries. */
    private long applied() {
        return loop.applyLoop().appliedIndex();
    }

    private List<Message.ReadIndexRequest> requests() {
        return sent.stream().filter(m -> m instanceof Message.ReadIndexRequest)
                .map(m -> (Message.ReadIndexRequest) m).toList();
    }

    private Message.ReadIndexRequest awaitRequest(int count) {
        awaitTrue(() -> requests().size() >= count, count + " read-index requests to the leader");
        return requests().get(count - 1);
    }

    private void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; read-index requests sent: " + requests());
            }
            // Keep the follower's election timer from firing while the test plays the leader.
            loop.offerInbound(new Message.Heartbeat(LEADER, 1, TERM, 0, 0));
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static Member member(long id) {
        return Member.newBuilder().setId(id).setName("node-" + id).setPeerUrl("127.0.0.1:" + (40_000 + id)).build();
    }
}
