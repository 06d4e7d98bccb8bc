package io.raftkv.client.fake;

import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.client.ErrorCode;
import io.raftkv.client.Trailers;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.Member;
import io.raftkv.proto.api.MemberAddRequest;
import io.raftkv.proto.api.MemberAddResponse;
import io.raftkv.proto.api.MemberListRequest;
import io.raftkv.proto.api.MemberListResponse;
import io.raftkv.proto.api.MemberPromoteRequest;
import io.raftkv.proto.api.MemberPromoteResponse;
import io.raftkv.proto.api.MemberRemoveRequest;
import io.raftkv.proto.api.MemberRemoveResponse;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StreamError;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import io.raftkv.proto.api.StatusResponse;
import io.raftkv.proto.api.TransferLeaderRequest;
import io.raftkv.proto.api.TransferLeaderResponse;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** One member of a {@link FakeCluster}: an in-process gRPC server named after its address. */
public final class FakeNode {
  /**
   * One attempt of a write as it arrived, so a test can tell retries of one write (same key)
   * from different writes.
   *
   * @param key the written key; for a txn, its first compare's key (empty if none)
   */
  public record ReceivedWrite(String method, ByteString key, RequestId requestId) {}

  private static final int RECORDED_MAX = 10_000;

  private final FakeCluster cluster;
  private final long id;
  private final boolean tcp;
  /** In-process only: runs the handlers; null runs them on the calling thread. */
  private final Executor handlers;
  /** host:port; for TCP fixed once the first start has bound a free port. */
  private volatile String address;
  private final ArrayBlockingQueue<Fault> faults = new ArrayBlockingQueue<>(64);
  private final java.util.concurrent.atomic.AtomicInteger streamsOpened = new java.util.concurrent.atomic.AtomicInteger();
  /** Every call, as "Method" names, in arrival order; capped. Guarded by itself. */
  private final List<String> calls = new ArrayList<>();
  /** Every write received with a request id, retries included; capped. Guarded by calls. */
  private final List<ReceivedWrite> writes = new ArrayList<>();
  private Server server;

  FakeNode(FakeCluster cluster, long id, String address, boolean tcp, Executor handlers) {
    this.cluster = cluster;
    this.handlers = handlers;
    this.id = id;
    this.address = address;
    this.tcp = tcp;
  }

  public long id() {
    return id;
  }

  public String address() {
    return address;
  }

  /** Starts serving (again). */
  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      io.grpc.ServerBuilder<?> builder = tcp
          ? io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
              new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(address.substring(address.lastIndexOf(':') + 1))))
          : handlers != null
              ? InProcessServerBuilder.forName(address).executor(handlers)
              : InProcessServerBuilder.forName(address).directExecutor();
      server = builder
          .addService(new KvService())
          .addService(new ClusterService())
          .addService(new MaintenanceService())
          .build()
          .start();
      if (tcp) {
        address = "127.0.0.1:" + server.getPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops serving: clients then see UNAVAILABLE from the transport, as with a dead process. */
  public synchronized void stop() {
    if (server != null) {
      server.shutdownNow();
      server = null;
    }
  }

  /** Makes the next call fail this way. */
  public void failNext(Fault fault) {
    if (!faults.offer(fault)) {
      throw new IllegalStateException("too many scripted faults");
    }
  }

  /** KV Stream calls opened on this node. */
  public int streamsOpened() {
    return streamsOpened.get();
  }

  public List<String> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  /** The request id of every write received, in arrival order, retries included. */
  public List<RequestId> requestIds() {
    synchronized (calls) {
      return writes.stream().map(ReceivedWrite::requestId).toList();
    }
  }

  /** Every write received with a request id, in arrival order, retries included. */
  public List<ReceivedWrite> writes() {
    synchronized (calls) {
      return List.copyOf(writes);
    }
  }

  private void record(String method, ByteString key, RequestId requestId) {
    synchronized (calls) {
      if (calls.size() < RECORDED_MAX) {
        calls.add(method);
        if (requestId != null) {
          writes.add(new ReceivedWrite(method, key, requestId));
        }
      }
    }
  }

  static StatusRuntimeException error(Status.Code code, ErrorCode errorCode, String message) {
    Metadata trailers = new Metadata();
    trailers.put(Trailers.ERROR_CODE, errorCode.name());
    return Status.fromCode(code).withDescription(message).asRuntimeException(trailers);
  }

  private StatusRuntimeException fault(Fault fault) {
    Metadata trailers = new Metadata();
    trailers.put(Trailers.ERROR_CODE, fault.code().name());
    if (fault.code() == ErrorCode.NOT_LEADER || fault.code() == ErrorCode.NO_LEADER) {
      long leader = cluster.leaderId();
      trailers.put(Trailers.NOT_LEADER, NotLeader.newBuilder()
          .setLeaderId(leader == id ? 0 : leader)
          .setLeaderAddress(leader == id ? "" : cluster.leaderAddress())
          .build());
    }
    return Status.fromCode(fault.status()).withDescription(fault.message()).asRuntimeException(trailers);
  }

  /** A follower refuses with the leader's address; with no leader, UNAVAILABLE. */
  private void requireLeader() {
    long leader = cluster.leaderId();
    if (leader == id) {
      return;
    }
    Metadata trailers = new Metadata();
    trailers.put(Trailers.NOT_LEADER, NotLeader.newBuilder().setLeaderId(leader).setLeaderAddress(cluster.leaderAddress()).build());
    if (leader == 0) {
      trailers.put(Trailers.ERROR_CODE, ErrorCode.NO_LEADER.name());
      throw Status.UNAVAILABLE.withDescription("no leader").asRuntimeException(trailers);
    }
    trailers.put(Trailers.ERROR_CODE, ErrorCode.NOT_LEADER.name());
    throw Status.FAILED_PRECONDITION.withDescription("not the leader; leader is " + leader).asRuntimeException(trailers);
  }

  /** Linearizable reads need a leader (ReadIndex); serializable ones do not. */
  private void requireLeaderKnown() {
    if (cluster.leaderId() == 0) {
      Metadata trailers = new Metadata();
      trailers.put(Trailers.ERROR_CODE, ErrorCode.NO_LEADER.name());
      throw Status.UNAVAILABLE.withDescription("no leader").asRuntimeException(trailers);
    }
  }

  private <T extends Message> void write(
      String method, ByteString key, RequestId requestId, Supplier<T> apply, StreamObserver<T> out) {
    record(method, key, requestId);
    try {
      Fault fault = faults.poll();
      if (fault != null && !fault.applyFirst()) {
        throw fault(fault);
      }
      requireLeader();
      T result = requestId == null ? apply.get() : cluster.applyOnce(requestId, apply);
      if (fault != null) {
        throw fault(fault);
      }
      out.onNext(result);
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  private <T extends Message> void read(String method, boolean needLeader, Supplier<T> serve, StreamObserver<T> out) {
    record(method, null, null);
    try {
      Fault fault = faults.poll();
      if (fault != null) {
        throw fault(fault);
      }
      if (needLeader) {
        requireLeaderKnown();
      }
      out.onNext(serve.get());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  private final class KvService extends KVGrpc.KVImplBase {
    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
      read("Range", !request.getSerializable(), () -> cluster.range(id, request), out);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> out) {
      write("Put", request.getKey(), request.getRequestId(), () -> cluster.put(id, request), out);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> out) {
      write("DeleteRange", request.getKey(), request.getRequestId(), () -> cluster.delete(id, request), out);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> out) {
      ByteString key = request.getCompareCount() > 0 ? request.getCompare(0).getKey() : ByteString.EMPTY;
      write("Txn", key, request.getRequestId(), () -> cluster.txn(id, request), out);
    }

    /** As the real server: each request goes to its unary handler and is answered under its id. */
    @Override
    public StreamObserver<StreamRequest> stream(StreamObserver<StreamResponse> out) {
      streamsOpened.incrementAndGet();
      return new StreamObserver<>() {
        @Override
        public void onNext(StreamRequest request) {
          long id = request.getId();
          switch (request.getRequestCase()) {
            case RANGE -> range(request.getRange(), answer(out, id, StreamResponse.Builder::setRange));
            case PUT -> put(request.getPut(), answer(out, id, StreamResponse.Builder::setPut));
            case DELETE_RANGE -> deleteRange(request.getDeleteRange(), answer(out, id, StreamResponse.Builder::setDeleteRange));
            case TXN -> txn(request.getTxn(), answer(out, id, StreamResponse.Builder::setTxn));
            case REQUEST_NOT_SET -> FakeNode.<PutResponse>answer(out, id, StreamResponse.Builder::setPut).onError(
                error(Status.Code.INVALID_ARGUMENT, ErrorCode.BAD_REQUEST, "no request"));
          }
        }

        @Override
        public void onError(Throwable error) {
          // The client went away; nothing is pending here (answers are given inline).
        }

        @Override
        public void onCompleted() {
          synchronized (out) {
            out.onCompleted();
          }
        }
      };
    }
  }

  private static <T> StreamObserver<T> answer(
      StreamObserver<StreamResponse> out, long id, BiConsumer<StreamResponse.Builder, T> setter) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        StreamResponse.Builder response = StreamResponse.newBuilder().setId(id);
        setter.accept(response, value);
        synchronized (out) {
          out.onNext(response.build());
        }
      }

      @Override
      public void onError(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        Metadata trailers = Status.trailersFromThrowable(failure);
        StreamError.Builder error = StreamError.newBuilder().setStatusCode(status.getCode().value());
        if (status.getDescription() != null) {
          error.setDescription(status.getDescription());
        }
        if (trailers != null && trailers.get(Trailers.ERROR_CODE) != null) {
          error.setErrorCode(trailers.get(Trailers.ERROR_CODE));
        }
        if (trailers != null && trailers.get(Trailers.NOT_LEADER) != null) {
          error.setNotLeader(trailers.get(Trailers.NOT_LEADER));
        }
        synchronized (out) {
          out.onNext(StreamResponse.newBuilder().setId(id).setError(error).build());
        }
      }

      @Override
      public void onCompleted() {
        // onNext answered.
      }
    };
  }

  private final class ClusterService extends ClusterGrpc.ClusterImplBase {
    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> out) {
      read("MemberList", false,
          () -> MemberListResponse.newBuilder().setHeader(cluster.header(id)).addAllMembers(cluster.members()).build(), out);
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> out) {
      write("MemberAdd", null, null, () -> {
        Member member = cluster.addMember(request.getPeerUrl(), request.getClientUrl(), request.getName());
        return MemberAddResponse.newBuilder()
            .setHeader(cluster.header(id)).setMember(member).addAllMembers(cluster.members()).build();
      }, out);
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> out) {
      write("MemberPromote", null, null, () -> {
        cluster.promote(request.getId());
        return MemberPromoteResponse.newBuilder().setHeader(cluster.header(id)).addAllMembers(cluster.members()).build();
      }, out);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> out) {
      write("MemberRemove", null, null, () -> {
        cluster.remove(request.getId());
        return MemberRemoveResponse.newBuilder().setHeader(cluster.header(id)).addAllMembers(cluster.members()).build();
      }, out);
    }
  }

  private final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
      read("Status", false, () -> {
        long leader = cluster.leaderId();
        return StatusResponse.newBuilder()
            .setHeader(cluster.header(id))
            .setMemberId(id)
            .setLeader(leader)
            .setRaftTerm(cluster.term())
            .setCommitIndex(cluster.revision() + 10)
            .setAppliedIndex(cluster.revision() + 10)
            .setRaftState(leader == id ? "leader" : "follower")
            .setDbSize(cluster.dbSize())
            .setVersion("fake")
            .build();
      }, out);
    }

    @Override
    public void transferLeader(TransferLeaderRequest request, StreamObserver<TransferLeaderResponse> out) {
      write("TransferLeader", null, null, () -> {
        cluster.transferLeader(request.getTargetId());
        return TransferLeaderResponse.newBuilder().setHeader(cluster.header(id)).build();
      }, out);
    }
  }
}
