package io.raftkv.server.cluster;

import static io.raftkv.server.cluster.Rpcs.bytes;
import static io.raftkv.server.cluster.Rpcs.put;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.Member;
import io.raftkv.proto.api.MemberAddRequest;
import io.raftkv.proto.api.MemberListRequest;
import io.raftkv.proto.api.MemberPromoteRequest;
import io.raftkv.proto.api.MemberRemoveRequest;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TransferLeaderRequest;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.raft.BatchAck;
import io.raftkv.proto.raft.Heartbeat;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.RaftPeerGrpc;
import io.raftkv.server.RaftKvNode;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of bad input, client and peer side, against the leader of one shared 3-node cluster
 * (default limits: keys 4 KiB, values 1 MiB, 128 txn ops): each is answered with its gRPC status
 * and {@code raftkv-error} code and changes nothing — the revision, the member list and every
 * node's term stay as they were, and the key it names stays absent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    /** A term no real election in this test reaches: a peer message carrying it must not be stepped. */
    private static final long FOREIGN_TERM = 1_000_000;
    private static final int KEY_BYTES_MAX = 4096;
    private static final int VALUE_BYTES_MAX = 1 << 20;
    private static final int TXN_OPS_MAX = 128;

    @TempDir
    static Path dir;

    private InProcessCluster cluster;

    /** A bad request sent to the leader; it must end in a gRPC error. */
    @FunctionalInterface
    interface BadCall {
        void send(InProcessCluster cluster, long leader) throws Exception;
    }

    /** What the cluster looks like from outside, compared before and after each bad request. */
    private record Observed(long revision, List<Member> members) {}

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

    static Stream<Arguments> badInputs() {
        return Stream.of(
                argumentSet("Put with an empty key", client((c, l) -> c.kv(l).put(put("", "v"))),
                        Status.Code.INVALID_ARGUMENT, "KEY_EMPTY", null),
                argumentSet("Range with an empty key", client((c, l) -> c.kv(l).range(RangeRequest.newBuilder().build())),
                        Status.Code.INVALID_ARGUMENT, "KEY_EMPTY", null),
                argumentSet("DeleteRange with an empty key",
                        client((c, l) -> c.kv(l).deleteRange(DeleteRangeRequest.newBuilder().build())),
                        Status.Code.INVALID_ARGUMENT, "KEY_EMPTY", null),
                argumentSet("Txn compare on an empty key", client((c, l) -> c.kv(l).txn(TxnRequest.newBuilder()
                                .addCompare(Compare.newBuilder().setTarget(Compare.CompareTarget.VERSION).setVersion(0))
                                .addSuccess(putOp("bad/txn-empty-compare", "v")).build())),
                        Status.Code.INVALID_ARGUMENT, "KEY_EMPTY", "bad/txn-empty-compare"),
                argumentSet("Put with a key over 4 KiB", client((c, l) -> c.kv(l).put(put("k".repeat(KEY_BYTES_MAX + 1), "v"))),
                        Status.Code.INVALID_ARGUMENT, "KEY_TOO_LARGE", null),
                argumentSet("Range with a key over 4 KiB", client((c, l) -> c.kv(l).range(Rpcs.get("k".repeat(KEY_BYTES_MAX + 1)))),
                        Status.Code.INVALID_ARGUMENT, "KEY_TOO_LARGE", null),
                argumentSet("Put with a value over 1 MiB", client((c, l) -> c.kv(l).put(PutRequest.newBuilder()
                                .setKey(bytes("bad/large-value")).setValue(ByteString.copyFrom(new byte[VALUE_BYTES_MAX + 1])).build())),
                        Status.Code.INVALID_ARGUMENT, "VALUE_TOO_LARGE", "bad/large-value"),
                argumentSet("Txn put with a value over 1 MiB", client((c, l) -> c.kv(l).txn(TxnRequest.newBuilder()
                                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                                        .setKey(bytes("bad/txn-large-value")).setValue(ByteString.copyFrom(new byte[VALUE_BYTES_MAX + 1]))))
                                .build())),
                        Status.Code.INVALID_ARGUMENT, "VALUE_TOO_LARGE", "bad/txn-large-value"),
                argumentSet("Txn with 129 operations", client((c, l) -> c.kv(l).txn(TxnRequest.newBuilder()
                                .addAllSuccess(IntStream.rangeClosed(0, TXN_OPS_MAX)
                                        .mapToObj(i -> putOp("bad/many-ops/" + i, "v")).toList()).build())),
                        Status.Code.INVALID_ARGUMENT, "TOO_MANY_OPS", "bad/many-ops/0"),
                argumentSet("Txn operation with no request set", client((c, l) -> c.kv(l).txn(TxnRequest.newBuilder()
                                .addSuccess(putOp("bad/empty-op", "v")).addSuccess(RequestOp.getDefaultInstance()).build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", "bad/empty-op"),
                argumentSet("Range with a negative limit",
                        client((c, l) -> c.kv(l).range(Rpcs.get("bad/limit").toBuilder().setLimit(-1).build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", null),
                argumentSet("Range at a negative revision",
                        client((c, l) -> c.kv(l).range(Rpcs.get("bad/revision").toBuilder().setRevision(-1).build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", null),
                argumentSet("Txn compare without a target value", client((c, l) -> c.kv(l).txn(TxnRequest.newBuilder()
                                .addCompare(Compare.newBuilder().setKey(bytes("bad/no-target")).setTarget(Compare.CompareTarget.VALUE))
                                .addSuccess(putOp("bad/no-target", "v")).build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", "bad/no-target"),
                argumentSet("Put with sequence 0 for a client id", client((c, l) -> c.kv(l).put(put("bad/sequence-zero", "v")
                                .toBuilder().setRequestId(RequestId.newBuilder().setClientId(42).setSequence(0)).build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", "bad/sequence-zero"),
                argumentSet("Txn with sequence 0 for a client id", client((c, l) -> c.kv(l).txn(TxnRequest.newBuilder()
                                .addSuccess(putOp("bad/txn-sequence-zero", "v"))
                                .setRequestId(RequestId.newBuilder().setClientId(42).setSequence(0)).build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", "bad/txn-sequence-zero"),
                argumentSet("MemberRemove of an unknown id",
                        client((c, l) -> c.membership(l).memberRemove(MemberRemoveRequest.newBuilder().setId(999).build())),
                        Status.Code.NOT_FOUND, "MEMBER_NOT_FOUND", null),
                argumentSet("MemberPromote of an unknown id",
                        client((c, l) -> c.membership(l).memberPromote(MemberPromoteRequest.newBuilder().setId(999).build())),
                        Status.Code.NOT_FOUND, "MEMBER_NOT_FOUND", null),
                argumentSet("MemberAdd with a malformed peer address",
                        client((c, l) -> c.membership(l).memberAdd(MemberAddRequest.newBuilder().setId(4)
                                .setPeerUrl("not-an-address").setClientUrl("127.0.0.1:1").build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", null),
                argumentSet("MemberAdd with a malformed client address",
                        client((c, l) -> c.membership(l).memberAdd(MemberAddRequest.newBuilder().setId(4)
                                .setPeerUrl("127.0.0.1:1").setClientUrl("127.0.0.1:99999").build())),
                        Status.Code.INVALID_ARGUMENT, "BAD_REQUEST", null),
                argumentSet("TransferLeader to an unknown id",
                        client((c, l) -> c.maintenance(l).transferLeader(TransferLeaderRequest.newBuilder().setTargetId(999).build())),
                        Status.Code.NOT_FOUND, "MEMBER_NOT_FOUND", null),
                argumentSet("peer batch from another cluster", peer(9, heartbeat()),
                        Status.Code.FAILED_PRECONDITION, null, null),
                argumentSet("peer message with no body", peer(InProcessCluster.CLUSTER_ID, heartbeat(), noBody()),
                        Status.Code.INVALID_ARGUMENT, null, null));
    }

    @ParameterizedTest
    @MethodSource("badInputs")
    void aBadRequestIsRefusedWithItsStatusAndChangesNothing(BadCall call, Status.Code status, String errorCode,
                                                            String absentKey) {
        cluster.withStableLeader(leader -> {
            Observed before = observe(leader);
            StatusRuntimeException e = Rpcs.refused(() -> call.send(cluster, leader));
            assertEquals(status, e.getStatus().getCode(), Rpcs.describe(e));
            assertEquals(errorCode, Rpcs.errorCode(e), Rpcs.describe(e));
            assertTrue(e.getStatus().getDescription() != null && !e.getStatus().getDescription().isBlank(),
                    "the status says what was wrong: " + Rpcs.describe(e));

            // A linearizable read is served after everything the node took in before it.
            assertEquals(before, observe(leader), "the refused request changed the cluster");
            if (absentKey != null) {
                assertEquals(0, cluster.kv(leader).range(Rpcs.get(absentKey)).getKvsCount(),
                        "the refused request wrote " + absentKey);
            }
            for (RaftKvNode node : cluster.running().values()) {
                assertTrue(node.loop().status().term() < FOREIGN_TERM,
                        "node " + node.config().nodeId() + " took the term of a refused peer message");
            }
            return null;
        });
    }

    private Observed observe(long leader) {
        long revision = cluster.kv(leader).range(Rpcs.get("bad/probe")).getHeader().getRevision();
        List<Member> members = cluster.membership(leader).memberList(MemberListRequest.getDefaultInstance()).getMembersList();
        return new Observed(revision, members);
    }

    /** Types a lambda as a client call (a table row's first column). */
    private static BadCall client(BadCall call) {
        return call;
    }

    private static RequestOp putOp(String key, String value) {
        return RequestOp.newBuilder().setRequestPut(put(key, value)).build();
    }

    /** Peer messages, addressed from a follower of the leader to the leader, at {@link #FOREIGN_TERM}. */
    private interface PeerMessage {
        RaftMessage build(long from, long to);
    }

    private static PeerMessage heartbeat() {
        return (from, to) -> RaftMessage.newBuilder().setFrom(from).setTo(to).setTerm(FOREIGN_TERM)
                .setHeartbeat(Heartbeat.newBuilder().setCommit(0)).build();
    }

    private static PeerMessage noBody() {
        return (from, to) -> RaftMessage.newBuilder().setFrom(from).setTo(to).setTerm(FOREIGN_TERM).build();
    }

    /**
     * Sends one batch on a raw RaftPeer.Send stream to the leader's peer port, as a follower would;
     * throws the status the stream ends with. A well-formed first message rides along, so a node
     * that stepped messages one by one instead of checking the batch whole would take its term.
     */
    private static BadCall peer(long clusterId, PeerMessage... messages) {
        return (cluster, leader) -> {
            long from = cluster.followersOf(leader).getFirst();
            MessageBatch.Builder batch = MessageBatch.newBuilder().setClusterId(clusterId).setFrom(from);
            for (PeerMessage message : messages) {
                batch.addMessages(message.build(from, leader));
            }
            ManagedChannel channel = cluster.peerChannel(leader);
            try {
                CompletableFuture<BatchAck> answer = new CompletableFuture<>();
                StreamObserver<MessageBatch> requests = RaftPeerGrpc.newStub(channel)
                        .withDeadlineAfter(InProcessCluster.RPC_DEADLINE_SECONDS, TimeUnit.SECONDS)
                        .send(new StreamObserver<>() {
                            @Override
                            public void onNext(BatchAck ack) {
                                answer.complete(ack);
                            }

                            @Override
                            public void onError(Throwable error) {
                                answer.completeExceptionally(error);
                            }

                            @Override
                            public void onCompleted() {
                                answer.complete(BatchAck.getDefaultInstance());
                            }
                        });
                requests.onNext(batch.build());
                requests.onCompleted();
                try {
                    answer.get(InProcessCluster.RPC_DEADLINE_SECONDS + 1, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof StatusRuntimeException status) {
                        throw status;
                    }
                    throw e;
                }
            } finally {
                channel.shutdownNow();
            }
        };
    }
}
