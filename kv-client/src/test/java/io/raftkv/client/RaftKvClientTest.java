package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import com.google.protobuf.ByteString;
import io.raftkv.client.fake.FakeCluster;
import io.raftkv.client.fake.FakeNode;
import io.raftkv.client.fake.Fault;
import io.raftkv.proto.api.RequestId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RaftKvClientTest {
  private FakeCluster cluster;
  private RaftKvClient client;

  @AfterEach
  void closeAll() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Whether the client under test sends KV requests over streams (the default) or as unary calls. */
  boolean streaming() {
    return true;
  }

  private RaftKvClient connect(Duration timeout, String... endpoints) {
    client = RaftKvClient.builder().streaming(streaming())
        .endpoints(endpoints)
        .requestTimeout(timeout)
        .channelFactory(FakeCluster.channelFactory())
        .build();
    return client;
  }

  @Test
  void findsTheLeaderFromAFollowerThroughTheNotLeaderHint() {
    cluster = FakeCluster.start(3);
    cluster.setLeader(3);
    // Only node 1 is configured: the leader's address comes from node 1's NOT_LEADER hint.
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    client.kv().sync().put("k", "v");

    assertEquals("v", cluster.value("k"));
    assertEquals(cluster.node(3).address(), client.preferredEndpoint());
    assertEquals(List.of("Put"), cluster.node(1).calls());
    assertEquals(List.of("Put"), cluster.node(3).calls());
  }

  @Test
  void staysWithTheLeaderOnceFound() {
    cluster = FakeCluster.start(3);
    cluster.setLeader(2);
    connect(Duration.ofSeconds(5), cluster.node(1).address(), cluster.node(2).address(), cluster.node(3).address());

    client.kv().sync().put("a", "1");
    client.kv().sync().put("b", "2");
    client.kv().sync().get("a");

    assertEquals(1, cluster.node(1).calls().size(), "only the first request should meet the follower");
    assertEquals(List.of("Put", "Put", "Range"), cluster.node(2).calls());
  }

  @Test
  void rotatesToTheNextEndpointWhenOneIsUnreachable() {
    cluster = FakeCluster.start(2);
    cluster.setLeader(2);
    cluster.node(1).stop();
    connect(Duration.ofSeconds(5), cluster.node(1).address(), cluster.node(2).address());

    PutResult result = client.kv().sync().put("k", "v");

    assertEquals(1, result.revision());
    assertEquals(cluster.node(2).address(), client.preferredEndpoint());
  }

  @Test
  void rotatesAwayFromAMemberThatIsStopping() {
    cluster = FakeCluster.start(2);
    cluster.node(1).failNext(Fault.of(Status.Code.UNAVAILABLE, ErrorCode.STOPPING));
    cluster.node(2).failNext(Fault.of(Status.Code.UNAVAILABLE, ErrorCode.NO_LEADER));
    connect(Duration.ofSeconds(5), cluster.node(1).address(), cluster.node(2).address());

    GetResult result = client.kv().sync().get("missing");

    assertEquals(0, result.count());
    assertEquals(List.of("Range", "Range"), cluster.node(1).calls());
    assertEquals(List.of("Range"), cluster.node(2).calls());
  }

  @Test
  void retriedWriteKeepsItsClientIdAndSequence() {
    cluster = FakeCluster.start(1);
    // The write is applied, but the answer is lost: the client must re-send the same request id.
    cluster.node(1).failNext(Fault.afterApplying(Status.Code.UNAVAILABLE, ErrorCode.LEADER_CHANGED));
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    PutResult result = client.kv().sync().put("k", "v");

    List<RequestId> ids = cluster.node(1).requestIds();
    assertEquals(2, ids.size());
    assertEquals(ids.get(0), ids.get(1));
    assertEquals(client.clientId(), ids.get(0).getClientId());
    assertEquals(1, ids.get(0).getSequence());
    assertEquals(1, cluster.writesApplied(), "the retry must be answered from the first result");
    assertEquals(1, result.revision());
  }

  @Test
  void writesGetIncreasingSequencesUnderOneNonZeroClientId() {
    cluster = FakeCluster.start(1);
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    client.kv().sync().put("a", "1");
    client.kv().sync().delete("a");
    client.kv().sync().txn().If(Cmp.version("a").equal(0)).Then(Op.put("a", "2")).commit();

    List<RequestId> ids = cluster.node(1).requestIds();
    assertNotEquals(0, client.clientId());
    assertEquals(List.of(1L, 2L, 3L), ids.stream().map(RequestId::getSequence).toList());
    assertTrue(ids.stream().allMatch(id -> id.getClientId() == client.clientId()));
  }

  /**
   * A write gives back its session slot and permit before its caller sees the result, so a
   * caller writing again at once finds them free: one slot (the base id) and never a refusal.
   */
  @Test
  void aClientWritingFromOneThreadUsesOneSlotAndOnePermit() {
    cluster = FakeCluster.start(1);
    client = RaftKvClient.builder().streaming(streaming())
        .endpoints(cluster.node(1).address())
        .inflightMax(1)
        .channelFactory(FakeCluster.channelFactory())
        .build();

    for (int i = 0; i < 100; i++) {
      client.kv().sync().put("k" + i, "v");
    }

    List<RequestId> ids = cluster.node(1).requestIds();
    assertEquals(LongStream.rangeClosed(1, 100).boxed().toList(), ids.stream().map(RequestId::getSequence).toList());
    assertTrue(ids.stream().allMatch(id -> id.getClientId() == client.clientId()));
  }

  /**
   * The server keeps one session per client id and refuses a sequence below the last one applied
   * (the fake enforces that rule). Writes issued concurrently from many threads, some of whose
   * attempts fail and are retried, must all succeed, each applied once, and every attempt of a
   * write must carry that write's own (client id, sequence).
   */
  @Test
  void concurrentWritesFromManyThreadsAllSucceedAndEachRetryResendsItsIdPair() throws Exception {
    cluster = FakeCluster.start(1);
    int faults = 16;
    for (int i = 0; i < faults; i++) {
      // Half applied before the answer is lost (a retry must be answered from the session), half
      // refused before applying (a retry must be applied, with its original id).
      cluster.node(1).failNext(i % 2 == 0
          ? Fault.afterApplying(Status.Code.UNAVAILABLE, ErrorCode.LEADER_CHANGED)
          : Fault.of(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.QUEUE_FULL));
    }
    connect(Duration.ofSeconds(10), cluster.node(1).address());
    int threads = 8;
    int writesPerThread = 25;
    ExecutorService callers = Executors.newFixedThreadPool(threads);
    List<CompletableFuture<?>> writes = new ArrayList<>();
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<List<CompletableFuture<?>>>> issued = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        issued.add(callers.submit(() -> {
          go.await();
          List<CompletableFuture<?>> mine = new ArrayList<>();
          for (int i = 0; i < writesPerThread; i++) {
            String key = "t" + thread + "-" + i;
            mine.add(switch (i % 3) {
              case 0 -> client.kv().put(key, "v");
              case 1 -> client.kv().delete(key);
              default -> client.kv().txn().If(Cmp.version(key).equal(0)).Then(Op.put(key, "w")).commit();
            });
          }
          return mine;
        }));
      }
      go.countDown();
      for (Future<List<CompletableFuture<?>>> thread : issued) {
        writes.addAll(thread.get(10, TimeUnit.SECONDS));
      }
    } finally {
      callers.shutdownNow();
    }
    for (CompletableFuture<?> write : writes) {
      Futures.join(write);
    }

    int total = threads * writesPerThread;
    assertEquals(total, cluster.writesApplied(), "every write applied exactly once");
    List<FakeNode.ReceivedWrite> received = cluster.node(1).writes();
    assertEquals(total + faults, received.size(), "each failed attempt is retried once");
    Map<ByteString, Set<RequestId>> idsByKey = new HashMap<>();
    for (FakeNode.ReceivedWrite write : received) {
      idsByKey.computeIfAbsent(write.key(), key -> new HashSet<>()).add(write.requestId());
    }
    assertEquals(total, idsByKey.size());
    for (Map.Entry<ByteString, Set<RequestId>> entry : idsByKey.entrySet()) {
      assertEquals(1, entry.getValue().size(), "attempts of " + entry.getKey().toStringUtf8() + " carried " + entry.getValue());
    }
    Set<RequestId> distinct = new HashSet<>();
    idsByKey.values().forEach(distinct::addAll);
    assertEquals(total, distinct.size(), "two writes shared a (client id, sequence)");
    assertTrue(distinct.stream().allMatch(id -> id.getClientId() != 0 && id.getSequence() > 0));
  }

  @Test
  void failsWithTimeoutWithinTheDeadlineWhenNoLeaderExists() {
    cluster = FakeCluster.start(3);
    cluster.setLeader(0);
    Duration timeout = Duration.ofMillis(600);
    connect(timeout, cluster.node(1).address(), cluster.node(2).address(), cluster.node(3).address());

    long start = System.nanoTime();
    TimeoutException e = assertThrows(TimeoutException.class, () -> client.kv().sync().put("k", "v"));
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertTrue(elapsed.compareTo(timeout.plusMillis(400)) < 0, "took " + elapsed);
    assertTrue(elapsed.compareTo(timeout.minusMillis(100)) > 0, "gave up early, after " + elapsed);
    assertTrue(e.serverReached());
    assertTrue(e.attempts() > 1);
    assertTrue(e.getMessage().contains("no leader"), e.getMessage());
    assertEquals(ErrorCode.NO_LEADER, e.errorCode());
  }

  @Test
  void reportsNoEndpointReachableWhenEveryConnectionFails() {
    connect(Duration.ofMillis(300), "nobody-1:1", "nobody-2:2");

    TimeoutException e = assertThrows(TimeoutException.class, () -> client.kv().sync().get("k"));

    assertFalse(e.serverReached());
    assertTrue(e.getMessage().startsWith("no endpoint reachable (nobody-1:1: "), e.getMessage());
    assertTrue(e.getMessage().contains("nobody-2:2: "), e.getMessage());
  }

  static Stream<Arguments> trailerCodes() {
    return Stream.of(
        Arguments.of(Status.Code.INVALID_ARGUMENT, ErrorCode.KEY_EMPTY, EmptyKeyException.class),
        Arguments.of(Status.Code.INVALID_ARGUMENT, ErrorCode.KEY_TOO_LARGE, KeyTooLargeException.class),
        Arguments.of(Status.Code.INVALID_ARGUMENT, ErrorCode.VALUE_TOO_LARGE, ValueTooLargeException.class),
        Arguments.of(Status.Code.INVALID_ARGUMENT, ErrorCode.TOO_MANY_OPS, TooManyOpsException.class),
        Arguments.of(Status.Code.INVALID_ARGUMENT, ErrorCode.BAD_REQUEST, InvalidRequestException.class),
        Arguments.of(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.DISK_FULL, ResourceExhaustedException.class),
        Arguments.of(Status.Code.OUT_OF_RANGE, ErrorCode.COMPACTED, CompactedException.class),
        Arguments.of(Status.Code.NOT_FOUND, ErrorCode.MEMBER_NOT_FOUND, MemberNotFoundException.class),
        Arguments.of(Status.Code.FAILED_PRECONDITION, ErrorCode.STALE_SEQUENCE, ServerException.class),
        Arguments.of(Status.Code.INTERNAL, ErrorCode.INTERNAL, ServerException.class),
        Arguments.of(Status.Code.INTERNAL, ErrorCode.UNKNOWN, ServerException.class));
  }

  @ParameterizedTest(name = "{1} becomes {2}")
  @MethodSource("trailerCodes")
  void trailerCodesBecomeTypedExceptions(Status.Code status, ErrorCode code, Class<? extends RaftKvException> type) {
    cluster = FakeCluster.start(1);
    cluster.node(1).failNext(new Fault(status, code, "server says " + code, false));
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    RaftKvException e = assertThrows(RaftKvException.class, () -> client.kv().sync().put("k", "v"));

    assertInstanceOf(type, e);
    assertEquals(status, e.status());
    assertEquals(code, e.errorCode());
    assertEquals("server says " + code, e.getMessage());
    assertEquals(cluster.node(1).address(), e.endpoint().orElseThrow());
    assertEquals(1, cluster.node(1).calls().size(), "a final error must not be retried");
  }

  @Test
  void tooLargeKeyFromTheServerIsTyped() {
    cluster = FakeCluster.start(1);
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    assertThrows(KeyTooLargeException.class, () -> client.kv().sync().put("k".repeat(1000), "v"));
  }

  @Test
  void emptyKeyIsRefusedWithoutARoundTrip() {
    cluster = FakeCluster.start(1);
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    EmptyKeyException e = assertThrows(EmptyKeyException.class, () -> client.kv().sync().put("", "v"));

    assertEquals("key is empty", e.getMessage());
    assertEquals(List.of(), cluster.node(1).calls());
  }

  @Test
  void queueFullIsRetriedUntilItClears() {
    cluster = FakeCluster.start(1);
    cluster.node(1).failNext(Fault.of(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.QUEUE_FULL));
    cluster.node(1).failNext(Fault.of(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.QUEUE_FULL));
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    client.kv().sync().put("k", "v");

    assertEquals(3, cluster.node(1).calls().size());
    assertEquals("v", cluster.value("k"));
  }

  @Test
  void memberAddIsNotResentWhenItsOutcomeIsUnknown() {
    cluster = FakeCluster.start(1);
    cluster.node(1).failNext(Fault.afterApplying(Status.Code.UNAVAILABLE, ErrorCode.LEADER_CHANGED));
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    UnavailableException e = assertThrows(UnavailableException.class,
        () -> client.cluster().sync().memberAdd("new:2380", "new:2379"));

    assertEquals(ErrorCode.LEADER_CHANGED, e.errorCode());
    assertEquals(1, cluster.node(1).calls().size());
  }

  @Test
  void memberChangesFollowTheLeaderHint() {
    cluster = FakeCluster.start(3);
    cluster.setLeader(2);
    connect(Duration.ofSeconds(5), cluster.node(1).address());

    MemberAddResult added = client.cluster().sync().memberAdd("n4:24380", "n4:24379", "n4");
    List<Member> afterPromote = client.cluster().sync().memberPromote(added.member().id());
    List<Member> afterRemove = client.cluster().sync().memberRemove(added.member().id());

    assertEquals(4, added.member().id());
    assertTrue(added.member().learner());
    assertFalse(afterPromote.get(3).learner());
    assertEquals(3, afterRemove.size());
    assertThrows(MemberNotFoundException.class, () -> client.cluster().sync().memberRemove(42));
  }

  @Test
  void statusAllReportsEachEndpointReachableOrNot() {
    cluster = FakeCluster.start(2);
    cluster.node(2).stop();
    connect(Duration.ofMillis(500), cluster.node(1).address(), cluster.node(2).address());

    List<EndpointStatus> statuses = client.maintenance().sync().statusAll();

    EndpointStatus.Reachable first = assertInstanceOf(EndpointStatus.Reachable.class, statuses.get(0));
    assertEquals(1, first.status().id());
    assertTrue(first.status().isLeader());
    EndpointStatus.Unreachable second = assertInstanceOf(EndpointStatus.Unreachable.class, statuses.get(1));
    assertEquals(cluster.node(2).address(), second.endpoint());
  }

  @Test
  void transferLeaderGoesToTheLeader() {
    cluster = FakeCluster.start(3);
    connect(Duration.ofSeconds(5), cluster.node(3).address());

    client.maintenance().sync().transferLeader(2);

    assertEquals(List.of("TransferLeader"), cluster.node(1).calls().subList(0, 1));
    assertEquals(2, client.maintenance().sync().status(cluster.node(2).address()).leader());
  }

  @Test
  void readsRangesPrefixesAndCounts() {
    cluster = FakeCluster.start(1);
    connect(Duration.ofSeconds(5), cluster.node(1).address());
    SyncKV kv = client.kv().sync();
    kv.put("a/1", "x");
    kv.put("a/2", "y");
    kv.put("b/1", "z");

    assertEquals(List.of("a/1", "a/2"), kv.getPrefix("a/").kvs().stream().map(KeyValue::keyUtf8).toList());
    assertEquals(List.of("a/2", "b/1"), kv.getRange("a/2", "c").kvs().stream().map(KeyValue::keyUtf8).toList());
    GetResult limited = kv.getPrefix("", GetOption.DEFAULT.withLimit(1));
    assertTrue(limited.more());
    assertEquals(3, limited.count());
    assertEquals(3, kv.getPrefix("", GetOption.DEFAULT.withCountOnly(true)).count());
    assertEquals("", kv.get("a/1", GetOption.DEFAULT.withKeysOnly(true)).first().orElseThrow().valueUtf8());
    assertEquals(2, kv.deletePrefix("a/").deleted());
    assertTrue(kv.get("a/1").kvs().isEmpty());
  }

  @Test
  void txnTakesTheBranchItsComparesChoose() {
    cluster = FakeCluster.start(1);
    connect(Duration.ofSeconds(5), cluster.node(1).address());
    client.kv().sync().put("k", "old");

    TxnResult swapped = client.kv().sync().txn()
        .If(Cmp.value("k").equal("old"))
        .Then(Op.put("k", "new"), Op.get("k"))
        .Else(Op.get("k"))
        .commit();
    TxnResult refused = client.kv().sync().txn()
        .If(Cmp.value("k").equal("old"))
        .Then(Op.put("k", "newer"))
        .Else(Op.get("k"))
        .commit();

    assertTrue(swapped.succeeded());
    GetResult read = assertInstanceOf(GetResult.class, swapped.responses().get(1));
    assertEquals("new", read.first().orElseThrow().valueUtf8());
    assertFalse(refused.succeeded());
    assertEquals("new", cluster.value("k"));
  }

  @Test
  void closeFailsLaterCallsAndIsIdempotent() {
    cluster = FakeCluster.start(1);
    connect(Duration.ofSeconds(5), cluster.node(1).address());
    client.kv().sync().put("k", "v");

    client.close();
    client.close();

    CompletableFuture<PutResult> late = client.kv().put("k", "v2");
    UnavailableException e = assertThrows(UnavailableException.class, () -> Futures.join(late));
    assertEquals("client is closed", e.getMessage());
  }

  @Test
  void tooManyRequestsInFlightFailFastOnTheClient() {
    cluster = FakeCluster.start(1);
    cluster.setLeader(0);
    client = RaftKvClient.builder().streaming(streaming())
        .endpoints(cluster.node(1).address())
        .requestTimeout(Duration.ofMillis(300))
        .inflightMax(1)
        .channelFactory(FakeCluster.channelFactory())
        .build();

    CompletableFuture<PutResult> first = client.kv().put("a", "1");
    ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class, () -> client.kv().sync().put("b", "2"));

    assertTrue(e.getMessage().contains("in flight"), e.getMessage());
    assertThrows(TimeoutException.class, () -> Futures.join(first));
  }
}
