package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.StreamError;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KV Stream calls against real nodes: many requests on one call, answered by id as their unary calls would be. */
class KvStreamClusterTest {
    @TempDir
    Path dir;

    /** One Stream call; answers by request id. */
    private static final class Call implements StreamObserver<StreamResponse> {
        final Map<Long, StreamResponse> answers = new ConcurrentHashMap<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        final StreamObserver<StreamRequest> requests;
        private final int expected;
        final CompletableFuture<Void> allAnswered = new CompletableFuture<>();

        Call(InProcessCluster cluster, long node, int expected) {
            this.expected = expected;
            this.requests = KVGrpc.newStub(cluster.channel(node)).stream(this);
        }

        @Override
        public void onNext(StreamResponse response) {
            answers.put(response.getId(), response);
            if (answers.size() == expected) {
                allAnswered.complete(null);
            }
        }

        @Override
        public void onError(Throwable t) {
            ended.completeExceptionally(t);
            allAnswered.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }

        void awaitAnswers() throws Exception {
            allAnswered.get(20, TimeUnit.SECONDS);
        }
    }

    private static StreamRequest put(long id, long clientId, String key, String value) {
        return StreamRequest.newBuilder().setId(id).setTimeoutMillis(10_000)
                .setPut(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value))
                        .setRequestId(RequestId.newBuilder().setClientId(clientId).setSequence(1)))
                .build();
    }

    @Test
    void manyWritesOnOneCallAreEachAnsweredOnceAndReadsSeeThemFromAFollower() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3)) {
            cluster.withStableLeader(leader -> {
                try {
                    int writes = 200;
                    // Fresh sessions and keys each time the body runs (it reruns if leadership moved).
                    long base = ThreadLocalRandom.current().nextLong(1, 1L << 40) * 1000;
                    Call call = new Call(cluster, leader, writes);
                    for (long id = 1; id <= writes; id++) {
                        // One session per write, as the client's slots do: each write's sequence is 1.
                        call.requests.onNext(put(id, base + id, base + "k" + id, "v" + id));
                    }
                    call.awaitAnswers();
                    long[] revisions = call.answers.values().stream()
                            .mapToLong(answer -> answer.getPut().getHeader().getRevision()).sorted().toArray();
                    assertEquals(writes, revisions.length);
                    for (int i = 1; i < revisions.length; i++) {
                        assertEquals(revisions[i - 1] + 1, revisions[i], "every write applied exactly once");
                    }
                    call.requests.onCompleted();
                    call.ended.get(10, TimeUnit.SECONDS);

                    long follower = cluster.followersOf(leader).get(0);
                    Call reads = new Call(cluster, follower, writes);
                    for (long id = 1; id <= writes; id++) {
                        reads.requests.onNext(StreamRequest.newBuilder().setId(id)
                                .setRange(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(base + "k" + id))).build());
                    }
                    reads.awaitAnswers();
                    for (long id = 1; id <= writes; id++) {
                        assertEquals("v" + id, reads.answers.get(id).getRange().getKvs(0).getValue().toStringUtf8(),
                                "a linearizable read of write " + id);
                    }
                    reads.requests.onCompleted();
                    return null;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }

    @Test
    void aFollowerRefusesAWriteOnItsCallWithTheLeadersAddressAndTheCallGoesOn() throws Exception {
        try (InProcessCluster cluster = new InProcessCluster(dir, 3)) {
            cluster.withStableLeader(leader -> {
                try {
                    long follower = cluster.followersOf(leader).get(0);
                    Call call = new Call(cluster, follower, 2);
                    call.requests.onNext(put(1, 77, "k", "v"));
                    call.requests.onNext(StreamRequest.newBuilder().setId(2).setPut(PutRequest.newBuilder()
                            .setValue(ByteString.copyFromUtf8("no key"))).build());
                    call.awaitAnswers();

                    StreamError notLeader = call.answers.get(1L).getError();
                    assertEquals(Status.Code.FAILED_PRECONDITION.value(), notLeader.getStatusCode());
                    assertEquals("NOT_LEADER", notLeader.getErrorCode());
                    assertEquals(leader, notLeader.getNotLeader().getLeaderId());
                    assertEquals(cluster.clientAddress(leader), notLeader.getNotLeader().getLeaderAddress());
                    StreamError badInput = call.answers.get(2L).getError();
                    assertEquals(Status.Code.INVALID_ARGUMENT.value(), badInput.getStatusCode());
                    assertTrue(!badInput.getDescription().isEmpty(), "the server's message travels with the error");
                    call.requests.onCompleted();
                    call.ended.get(10, TimeUnit.SECONDS);
                    return null;
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
        }
    }
}
