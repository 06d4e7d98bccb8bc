package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.raftkv.proto.raft.BatchAck;
import io.raftkv.proto.raft.Heartbeat;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.raft.Message;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerServiceTest {
    private static final long CLUSTER = 7;
    private static final long SELF = 2;

    @TempDir
    Path temp;
    private InProcessPeer peer;

    @BeforeEach
    void start() throws Exception {
        peer = new InProcessPeer(InProcessPeer.config(CLUSTER, SELF, temp), 3);
    }

    @AfterEach
    void stop() throws Exception {
        peer.close();
    }

    @Test
    void goodBatchesReachTheRaftLoopAndACleanCloseIsAcked() throws Exception {
        InProcessPeer.SendCall call = peer.openSend();
        call.requests().onNext(batch(CLUSTER, 1, heartbeat(1, SELF, 1), heartbeat(1, SELF, 2)));
        call.requests().onCompleted();
        assertEquals(BatchAck.getDefaultInstance(), call.outcome().get(10, TimeUnit.SECONDS));
        assertEquals(List.of(new Message.Heartbeat(1, SELF, 4, 0, 1), new Message.Heartbeat(1, SELF, 4, 0, 2)),
                peer.inbound.messages());
    }

    @Test
    void aBatchFromAnotherClusterFailsThePreconditionAndSaysWhichCluster() {
        Status status = rejected(batch(CLUSTER + 1, 1, heartbeat(1, SELF, 1)));
        assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
        assertEquals("peer 1 belongs to cluster 8, not 7", status.getDescription());
        assertEquals(1, peer.service.counters().streamsRejectedCluster());
    }

    @Test
    void aMalformedMessageRejectsTheWholeBatch() {
        RaftMessage noBody = RaftMessage.newBuilder().setFrom(1).setTo(SELF).setTerm(4).build();
        Status status = rejected(batch(CLUSTER, 1, heartbeat(1, SELF, 1), noBody));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertTrue(status.getDescription().startsWith("malformed message from peer 1: "), status.getDescription());
        assertEquals(0, peer.inbound.size(), "the good message before the bad one is not delivered either");
        assertEquals(1, peer.service.counters().streamsRejectedMalformed());
    }

    @Test
    void aMessageForAnotherNodeFailsThePrecondition() {
        Status status = rejected(batch(CLUSTER, 1, heartbeat(1, 3, 1)));
        assertEquals(Status.Code.FAILED_PRECONDITION, status.getCode());
        assertEquals("message for node 3 reached node 2", status.getDescription());
    }

    @Test
    void aMessageWhoseSenderDiffersFromTheBatchIsRejected() {
        Status status = rejected(batch(CLUSTER, 1, heartbeat(3, SELF, 1)));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
        assertEquals("message from node 3 in a batch from node 1", status.getDescription());
    }

    @Test
    void aBatchClaimingToComeFromThisNodeIsRejected() {
        Status status = rejected(batch(CLUSTER, SELF, heartbeat(SELF, SELF, 1)));
        assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
    }

    @Test
    void aFullRaftLoopQueueDropsAndCountsButKeepsTheStream() throws Exception {
        InProcessPeer.SendCall call = peer.openSend();
        call.requests().onNext(batch(CLUSTER, 1, heartbeat(1, SELF, 1), heartbeat(1, SELF, 2),
                heartbeat(1, SELF, 3), heartbeat(1, SELF, 4), heartbeat(1, SELF, 5)));
        Eventually.await("the batch is processed", () -> peer.service.counters().batchesReceived() == 1);
        assertEquals(3, peer.inbound.size(), "the queue holds 3");
        assertEquals(2, peer.service.counters().messagesDroppedQueueFull());

        peer.inbound.clear();
        call.requests().onNext(batch(CLUSTER, 1, heartbeat(1, SELF, 6)));
        Eventually.await("the next batch still arrives", () -> peer.inbound.size() == 1);
        call.requests().onCompleted();
        call.outcome().get(10, TimeUnit.SECONDS);
    }

    @Test
    void serverLimitsRaiseTheInboundMessageSizeAboveTheBatchCap() {
        PeerConfig config = InProcessPeer.config(CLUSTER, SELF, temp);
        assertEquals(16 << 20, config.inboundMessageBytesMax());
        assertTrue(config.batchBytesMax() + PeerConfig.ENVELOPE_BYTES_MAX <= config.inboundMessageBytesMax());
        assertTrue(config.snapshotChunkBytes() + PeerConfig.ENVELOPE_BYTES_MAX <= config.inboundMessageBytesMax());
    }

    private Status rejected(MessageBatch batch) {
        InProcessPeer.SendCall call = peer.openSend();
        call.requests().onNext(batch);
        CompletableFuture<BatchAck> outcome = call.outcome();
        ExecutionException e = assertThrows(ExecutionException.class, () -> outcome.get(10, TimeUnit.SECONDS));
        return Status.fromThrowable(e.getCause());
    }

    private static MessageBatch batch(long cluster, long from, RaftMessage... messages) {
        return MessageBatch.newBuilder().setClusterId(cluster).setFrom(from).addAllMessages(List.of(messages)).build();
    }

    private static RaftMessage heartbeat(long from, long to, long context) {
        return RaftMessage.newBuilder().setFrom(from).setTo(to).setTerm(4)
                .setHeartbeat(Heartbeat.newBuilder().setContext(context)).build();
    }
}
