package io.raftkv.server.api;

import com.google.protobuf.Message;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import io.raftkv.proto.command.Command;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import io.raftkv.server.loop.LoopStatus;
import io.raftkv.server.loop.RaftLoop;
import io.raftkv.server.storage.ApplyResult;
import io.raftkv.server.storage.KvStateMachine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * The KV service. Writes go through the log on the leader; a follower refuses them with NOT_LEADER.
 * Reads are linearizable by default: any node obtains a read index (a follower asks the leader),
 * waits until it has applied it, then reads locally. A serializable read is served from the local
 * state at once and may be stale.
 */
public final class KvService extends KVGrpc.KVImplBase implements KvHandlers {
    /** Requests in flight per Stream call; beyond it a request is answered QUEUE_FULL at once. */
    static final int STREAM_INFLIGHT_MAX = 10_000;

    private final long clusterId;
    private final RaftLoop loop;
    private final KvStateMachine stateMachine;
    private final RequestValidator validator;
    private final Leadership leadership;
    private final Responder responder;
    private final LongSupplier wallClockMillis;
    private final Runnable diskCheck;
    private final Executor localReads;

    /**
     * @param diskCheck  throws DISK_FULL when free disk space is below the reserve: writes are then
     *                   refused before they could fill the disk and endanger the log
     * @param localReads runs the RocksDB part of reads (a bounded pool): the handlers themselves
     *                   never block, so they may run on the network thread ({@code CallExecutors})
     */
    public KvService(long clusterId, RaftLoop loop, KvStateMachine stateMachine, RequestLimits limits,
                     Leadership leadership, RequestMetrics metrics, LongSupplier wallClockMillis, Runnable diskCheck,
                     Executor localReads) {
        this.clusterId = clusterId;
        this.loop = loop;
        this.stateMachine = stateMachine;
        this.validator = new RequestValidator(limits);
        this.leadership = leadership;
        this.responder = new Responder(limits.requestTimeoutMillis(), leadership, metrics);
        this.wallClockMillis = wallClockMillis;
        this.diskCheck = diskCheck;
        this.localReads = localReads;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        range(request, observer, Responder.FROM_CALL);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        put(request, observer, Responder.FROM_CALL);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        deleteRange(request, observer, Responder.FROM_CALL);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        txn(request, observer, Responder.FROM_CALL);
    }

    @Override
    public StreamObserver<StreamRequest> stream(StreamObserver<StreamResponse> responses) {
        return new KvStreamCall(this, (ServerCallStreamObserver<StreamResponse>) responses, STREAM_INFLIGHT_MAX);
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer, long timeoutMillis) {
        responder.respond(timeoutMillis, "Range", observer, () -> {
            validator.checkRange(request);
            // A linearizable read's index is confirmed on the raft loop (or the apply thread), which
            // must not spend its turn reading and answering: it reads on the read pool. A serializable
            // read of one key is a point Get of a few microseconds, answered here on the network
            // thread: the hop to the pool and back cost two thread wake-ups per read. A serializable
            // range may scan many keys, so it goes to the pool too.
            CompletableFuture<Long> ready = !request.getSerializable() ? onLocalReads(loop.readIndex())
                    : KvStateMachine.readsOneKey(request) ? CompletableFuture.completedFuture(0L) : onLocalReads();
            return ready.thenApply(index -> {
                RangeResponse response = stateMachine.range(request);
                return response.toBuilder().setHeader(header(response.getHeader())).build();
            });
        });
    }

    /** Completes on a thread of the read pool; a full pool answers QUEUE_FULL. */
    private CompletableFuture<Long> onLocalReads() {
        return onLocalReads(CompletableFuture.completedFuture(0L));
    }

    /** {@code index}, completed on a thread of the read pool; a full pool fails it with QUEUE_FULL. */
    private CompletableFuture<Long> onLocalReads(CompletableFuture<Long> index) {
        CompletableFuture<Long> moved = new CompletableFuture<>();
        index.whenComplete((value, error) -> {
            if (error != null) {
                moved.completeExceptionally(error); // nothing to read: answer from here
                return;
            }
            try {
                localReads.execute(() -> moved.complete(value));
            } catch (RejectedExecutionException e) {
                moved.completeExceptionally(ServerException.of(ErrorCode.QUEUE_FULL, "too many reads waiting; retry later"));
            }
        });
        return moved;
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer, long timeoutMillis) {
        responder.respond(timeoutMillis, "Put", observer, () -> {
            validator.checkPut(request);
            return write(request.getRequestId(), Command.newBuilder().setPut(request), PutResponse.class)
                    .thenApply(response -> response.toBuilder().setHeader(header(response.getHeader())).build());
        });
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer, long timeoutMillis) {
        responder.respond(timeoutMillis, "DeleteRange", observer, () -> {
            validator.checkDelete(request);
            return write(request.getRequestId(), Command.newBuilder().setDeleteRange(request), DeleteRangeResponse.class)
                    .thenApply(response -> response.toBuilder().setHeader(header(response.getHeader())).build());
        });
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer, long timeoutMillis) {
        responder.respond(timeoutMillis, "Txn", observer, () -> {
            validator.checkTxn(request);
            return write(request.getRequestId(), Command.newBuilder().setTxn(request), TxnResponse.class)
                    .thenApply(response -> response.toBuilder().setHeader(header(response.getHeader())).build());
        });
    }

    private <T extends Message> CompletableFuture<T> write(RequestId requestId, Command.Builder command, Class<T> type) {
        leadership.requireLeader();
        diskCheck.run();
        byte[] bytes = command.setRequestId(requestId).setProposedAtMillis(wallClockMillis.getAsLong()).build().toByteArray();
        return loop.propose(bytes).thenApply(result -> unwrap(result, type));
    }

    static <T extends Message> T unwrap(ApplyResult result, Class<T> type) {
        return switch (result) {
            case ApplyResult.Ok ok -> type.cast(ok.response());
            case ApplyResult.Error error -> throw new ServerException(error.code(), error.message());
            case ApplyResult.Noop noop -> throw new AssertionError("a client write applied as a no-op at index " + noop.index());
            case ApplyResult.ConfChanged changed -> throw new AssertionError("a client write applied as a conf change at index " + changed.index());
        };
    }

    private ResponseHeader header(ResponseHeader fromStateMachine) {
        LoopStatus status = loop.status();
        return fromStateMachine.toBuilder().setClusterId(clusterId).setMemberId(status.id()).setRaftTerm(status.term()).build();
    }
}
