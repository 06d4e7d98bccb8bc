package io.raftkv.client.fake;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Status;
import io.raftkv.client.ChannelFactory;
import io.raftkv.client.ErrorCode;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.Member;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.proto.api.ResponseOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-memory stand-in for a raftkv cluster, served over gRPC's in-process transport: one
 * {@link FakeNode} per member, sharing one store. It follows the server conventions the client
 * relies on (NOT_LEADER with the leader's address, NO_LEADER, the raftkv-error trailer,
 * exactly-once sessions with the server's sequence rule) without any replication. Tests pick the leader with
 * {@link #setLeader(long)} and script failures per node.
 *
 * <p>Thread-safe: every state change holds the cluster's lock.
 */
public final class FakeCluster implements AutoCloseable {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  static final int KEY_MAX = 256;
  static final int VALUE_MAX = 4096;
  static final int OPS_MAX = 64;
  /** Calls queued for the handler threads; beyond it a call is refused (the test is then broken). */
  private static final int HANDLER_QUEUE_MAX = 100_000;

  private final List<FakeNode> nodes = new ArrayList<>();
  private final NavigableMap<ByteString, KeyValue> store = new TreeMap<>(ByteString.unsignedLexicographicalComparator());
  /** The server's session table: per client id, the last sequence applied and its answer. */
  private final Map<Long, Session> sessions = new HashMap<>();
  private final List<Member> members = new ArrayList<>();
  /** Runs the in-process members' handlers; null: on the calling thread. */
  private ThreadPoolExecutor handlers;
  private long revision;
  private long term = 1;
  private long leaderId;
  private int writesApplied;

  private FakeCluster() {}

  /** Starts {@code size} in-process members with ids 1..size; member 1 leads. */
  public static FakeCluster start(int size) {
    return start(size, false, 0);
  }

  /**
   * Like {@link #start(int)}, but the in-process members run their handlers on a pool of
   * {@code handlerThreads} threads, as a real server does, instead of on the calling thread. A call
   * then returns before it is served, so concurrent requests really overlap and may be served in
   * any order: what pipelining clients (the bench) meet on a real server.
   */
  public static FakeCluster startConcurrent(int size, int handlerThreads) {
    return start(size, false, handlerThreads);
  }

  /** The same over real TCP on free loopback ports, for tests of the real transport. */
  public static FakeCluster startTcp(int size) {
    return start(size, true, 0);
  }

  private static FakeCluster start(int size, boolean tcp, int handlerThreads) {
    FakeCluster cluster = new FakeCluster();
    if (handlerThreads > 0) {
      cluster.handlers = new ThreadPoolExecutor(handlerThreads, handlerThreads, 1, TimeUnit.MINUTES,
          new ArrayBlockingQueue<>(HANDLER_QUEUE_MAX), runnable -> {
            Thread thread = new Thread(runnable, "fake-cluster-handler");
            thread.setDaemon(true);
            return thread;
          });
    }
    int clusterNumber = CLUSTERS.incrementAndGet();
    for (int id = 1; id <= size; id++) {
      // In-process names look like real endpoints so the client's host:port checks pass.
      String address = tcp ? "127.0.0.1:0" : "fake" + clusterNumber + "-node" + id + ":2" + id + "379";
      FakeNode node = new FakeNode(cluster, id, address, tcp, cluster.handlers);
      cluster.nodes.add(node);
      node.start();
      cluster.members.add(Member.newBuilder()
          .setId(id)
          .setName("node" + id)
          .setPeerUrl(node.address().replace("379", "380"))
          .setClientUrl(node.address())
          .build());
    }
    cluster.leaderId = 1;
    return cluster;
  }

  /** Channels to the fake's in-process servers, by endpoint name. */
  public static ChannelFactory channelFactory() {
    return endpoint -> InProcessChannelBuilder.forName(endpoint);
  }

  public FakeNode node(long id) {
    return nodes.get((int) id - 1);
  }

  public List<FakeNode> nodes() {
    return List.copyOf(nodes);
  }

  /** Comma-separated endpoints of all members. */
  public String endpoints() {
    return String.join(",", nodes.stream().map(FakeNode::address).toList());
  }

  /** 0 means no leader. */
  public synchronized void setLeader(long id) {
    if (id != leaderId) {
      term++;
    }
    leaderId = id;
  }

  synchronized long leaderId() {
    return leaderId;
  }

  synchronized long term() {
    return term;
  }

  synchronized String leaderAddress() {
    return leaderId == 0 ? "" : addressOf(leaderId);
  }

  private String addressOf(long id) {
    for (Member member : members) {
      if (member.getId() == id) {
        return member.getClientUrl();
      }
    }
    return "";
  }

  public synchronized long revision() {
    return revision;
  }

  /** Writes that changed the store or were answered from scratch (not from the dedup table). */
  public synchronized int writesApplied() {
    return writesApplied;
  }

  public synchronized String value(String key) {
    KeyValue kv = store.get(ByteString.copyFromUtf8(key));
    return kv == null ? null : kv.getValue().toStringUtf8();
  }

  synchronized List<Member> members() {
    return List.copyOf(members);
  }

  synchronized ResponseHeader header(long memberId) {
    return ResponseHeader.newBuilder().setClusterId(7).setMemberId(memberId).setRevision(revision).setRaftTerm(term).build();
  }

  synchronized long dbSize() {
    return store.size() * 100L;
  }

  // ---- exactly-once ----

  /** One client session, as kv-server's SessionRecord: the highest sequence applied and its answer. */
  private record Session(long lastSequence, Message lastResponse) {}

  /**
   * The real server's rule (kv-server CommandApplier, Raft thesis 6.3), so that the fake refuses
   * what the server refuses: per client id, a sequence above the session's last one is applied
   * and recorded; the last one again is a retry, answered with the recorded response; a lower one
   * is refused with STALE_SEQUENCE. A write that fails does not advance the session. Client id 0
   * has no session and is applied every time.
   */
  @SuppressWarnings("unchecked")
  synchronized <T extends Message> T applyOnce(RequestId id, java.util.function.Supplier<T> apply) {
    Session session = id.getClientId() == 0 ? null : sessions.get(id.getClientId());
    if (session != null && Long.compareUnsigned(id.getSequence(), session.lastSequence()) <= 0) {
      if (id.getSequence() == session.lastSequence()) {
        return (T) session.lastResponse();
      }
      throw FakeNode.error(Status.Code.FAILED_PRECONDITION, ErrorCode.STALE_SEQUENCE, String.format(
          "stale sequence: request %d of client %d is older than the last applied request %d",
          id.getSequence(), id.getClientId(), session.lastSequence()));
    }
    T result = apply.get();
    if (id.getClientId() != 0) {
      sessions.put(id.getClientId(), new Session(id.getSequence(), result));
    }
    writesApplied++;
    return result;
  }

  // ---- validation, as the server is to do it ----

  static void checkKey(ByteString key) {
    if (key.isEmpty()) {
      throw FakeNode.error(Status.Code.INVALID_ARGUMENT, ErrorCode.KEY_EMPTY, "key is empty");
    }
    if (key.size() > KEY_MAX) {
      throw FakeNode.error(Status.Code.INVALID_ARGUMENT, ErrorCode.KEY_TOO_LARGE,
          "key is " + key.size() + " bytes; the limit is " + KEY_MAX);
    }
  }

  // ---- the store ----

  synchronized PutResponse put(long memberId, PutRequest request) {
    checkKey(request.getKey());
    if (request.getValue().size() > VALUE_MAX) {
      throw FakeNode.error(Status.Code.INVALID_ARGUMENT, ErrorCode.VALUE_TOO_LARGE,
          "value is " + request.getValue().size() + " bytes; the limit is " + VALUE_MAX);
    }
    revision++;
    PutResponse response = applyPut(memberId, request);
    return response.toBuilder().setHeader(header(memberId)).build();
  }

  private PutResponse applyPut(long memberId, PutRequest request) {
    KeyValue previous = store.get(request.getKey());
    KeyValue next = KeyValue.newBuilder()
        .setKey(request.getKey())
        .setValue(request.getValue())
        .setCreateRevision(previous == null ? revision : previous.getCreateRevision())
        .setModRevision(revision)
        .setVersion(previous == null ? 1 : previous.getVersion() + 1)
        .build();
    store.put(request.getKey(), next);
    PutResponse.Builder response = PutResponse.newBuilder().setHeader(header(memberId));
    if (request.getPrevKv() && previous != null) {
      response.setPrevKv(previous);
    }
    return response.build();
  }

  synchronized RangeResponse range(long memberId, RangeRequest request) {
    if (request.getRangeEnd().isEmpty()) {
      checkKey(request.getKey());
    }
    List<KeyValue> inRange = select(request.getKey(), request.getRangeEnd());
    RangeResponse.Builder response = RangeResponse.newBuilder().setHeader(header(memberId)).setCount(inRange.size());
    if (request.getCountOnly()) {
      return response.build();
    }
    long limit = request.getLimit() == 0 ? Long.MAX_VALUE : request.getLimit();
    for (KeyValue kv : inRange) {
      if (response.getKvsCount() >= limit) {
        response.setMore(true);
        break;
      }
      response.addKvs(request.getKeysOnly() ? kv.toBuilder().clearValue().build() : kv);
    }
    return response.build();
  }

  synchronized DeleteRangeResponse delete(long memberId, DeleteRangeRequest request) {
    if (request.getRangeEnd().isEmpty()) {
      checkKey(request.getKey());
    }
    List<KeyValue> doomed = select(request.getKey(), request.getRangeEnd());
    if (!doomed.isEmpty()) {
      revision++;
    }
    DeleteRangeResponse response = applyDelete(doomed, request.getPrevKv());
    return response.toBuilder().setHeader(header(memberId)).build();
  }

  private DeleteRangeResponse applyDelete(List<KeyValue> doomed, boolean prevKv) {
    DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(doomed.size());
    for (KeyValue kv : doomed) {
      store.remove(kv.getKey());
      if (prevKv) {
        response.addPrevKvs(kv);
      }
    }
    return response.build();
  }

  synchronized TxnResponse txn(long memberId, TxnRequest request) {
    if (request.getCompareCount() + request.getSuccessCount() + request.getFailureCount() > OPS_MAX) {
      throw FakeNode.error(Status.Code.INVALID_ARGUMENT, ErrorCode.TOO_MANY_OPS, "too many operations in txn request");
    }
    boolean succeeded = request.getCompareList().stream().allMatch(this::holds);
    List<RequestOp> ops = succeeded ? request.getSuccessList() : request.getFailureList();
    boolean writes = ops.stream().anyMatch(op -> !op.hasRequestRange());
    if (writes) {
      revision++;
    }
    TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded);
    for (RequestOp op : ops) {
      response.addResponses(switch (op.getRequestCase()) {
        case REQUEST_PUT -> ResponseOp.newBuilder().setResponsePut(applyPut(memberId, op.getRequestPut())).build();
        case REQUEST_RANGE -> ResponseOp.newBuilder().setResponseRange(range(memberId, op.getRequestRange())).build();
        case REQUEST_DELETE_RANGE -> ResponseOp.newBuilder()
            .setResponseDeleteRange(applyDelete(
                select(op.getRequestDeleteRange().getKey(), op.getRequestDeleteRange().getRangeEnd()),
                op.getRequestDeleteRange().getPrevKv()))
            .build();
        case REQUEST_NOT_SET -> throw FakeNode.error(Status.Code.INVALID_ARGUMENT, ErrorCode.BAD_REQUEST, "empty op");
      });
    }
    return response.setHeader(header(memberId)).build();
  }

  private boolean holds(Compare compare) {
    KeyValue kv = store.get(compare.getKey());
    if (compare.getTarget() == Compare.CompareTarget.VALUE) {
      if (kv == null) {
        return false;
      }
      return test(ByteString.unsignedLexicographicalComparator().compare(kv.getValue(), compare.getValue()), compare);
    }
    long actual = switch (compare.getTarget()) {
      case VERSION -> kv == null ? 0 : kv.getVersion();
      case CREATE -> kv == null ? 0 : kv.getCreateRevision();
      case MOD -> kv == null ? 0 : kv.getModRevision();
      default -> throw FakeNode.error(Status.Code.INVALID_ARGUMENT, ErrorCode.BAD_REQUEST, "bad compare target");
    };
    long expected = switch (compare.getTarget()) {
      case VERSION -> compare.getVersion();
      case CREATE -> compare.getCreateRevision();
      default -> compare.getModRevision();
    };
    return test(Long.compare(actual, expected), compare);
  }

  private static boolean test(int order, Compare compare) {
    return switch (compare.getResult()) {
      case EQUAL -> order == 0;
      case NOT_EQUAL -> order != 0;
      case GREATER -> order > 0;
      case LESS -> order < 0;
      default -> false;
    };
  }

  /** etcd's range encoding: empty end = one key, "\0" end = from key on, "\0"/"\0" = all. */
  private List<KeyValue> select(ByteString key, ByteString rangeEnd) {
    if (rangeEnd.isEmpty()) {
      KeyValue kv = store.get(key);
      return kv == null ? List.of() : List.of(kv);
    }
    boolean toEnd = rangeEnd.equals(ByteString.copyFrom(new byte[] {0}));
    Comparator<ByteString> order = ByteString.unsignedLexicographicalComparator();
    List<KeyValue> result = new ArrayList<>();
    for (KeyValue kv : store.tailMap(key, true).values()) {
      if (!toEnd && order.compare(kv.getKey(), rangeEnd) >= 0) {
        break;
      }
      result.add(kv);
    }
    return result;
  }

  // ---- membership ----

  synchronized Member addMember(String peerUrl, String clientUrl, String name) {
    for (Member member : members) {
      if (member.getPeerUrl().equals(peerUrl)) {
        throw FakeNode.error(Status.Code.FAILED_PRECONDITION, ErrorCode.MEMBER_INVALID, "peer url " + peerUrl + " is already a member");
      }
    }
    long id = members.stream().mapToLong(Member::getId).max().orElse(0) + 1;
    Member member = Member.newBuilder()
        .setId(id).setName(name).setPeerUrl(peerUrl).setClientUrl(clientUrl).setIsLearner(true).build();
    members.add(member);
    return member;
  }

  synchronized void promote(long id) {
    int index = indexOf(id);
    if (!members.get(index).getIsLearner()) {
      throw FakeNode.error(Status.Code.FAILED_PRECONDITION, ErrorCode.MEMBER_INVALID, "member " + id + " is not a learner");
    }
    members.set(index, members.get(index).toBuilder().setIsLearner(false).build());
  }

  synchronized void remove(long id) {
    members.remove(indexOf(id));
  }

  synchronized void transferLeader(long target) {
    indexOf(target);
    setLeader(target);
  }

  private int indexOf(long id) {
    for (int i = 0; i < members.size(); i++) {
      if (members.get(i).getId() == id) {
        return i;
      }
    }
    throw FakeNode.error(Status.Code.NOT_FOUND, ErrorCode.MEMBER_NOT_FOUND, "member " + id + " not found");
  }

  @Override
  public void close() {
    for (FakeNode node : nodes) {
      node.stop();
    }
    if (handlers != null) {
      handlers.shutdownNow();
    }
  }
}
