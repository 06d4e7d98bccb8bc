package io.raftkv.server.api;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import io.raftkv.proto.api.TransferLeaderRequest;
import io.raftkv.proto.api.TransferLeaderResponse;
import io.raftkv.raft.ProposeResult;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import io.raftkv.server.loop.LoopStatus;
import io.raftkv.server.loop.RaftLoop;
import io.raftkv.server.storage.KvStateMachine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Status of this node, and leadership transfer (answered once the target leads, like etcd's MoveLeader). */
public final class MaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    public static final String VERSION = "0.1.0";

    private final long clusterId;
    private final RaftLoop loop;
    private final KvStateMachine stateMachine;
    private final Leadership leadership;
    private final Responder responder;
    private final ScheduledExecutorService scheduler;
    private final long requestTimeoutMillis;

    public MaintenanceService(long clusterId, RaftLoop loop, KvStateMachine stateMachine, Leadership leadership,
                              long requestTimeoutMillis, RequestMetrics metrics, ScheduledExecutorService scheduler) {
        this.clusterId = clusterId;
        this.loop = loop;
        this.stateMachine = stateMachine;
        this.leadership = leadership;
        this.responder = new Responder(requestTimeoutMillis, leadership, metrics);
        this.scheduler = scheduler;
        this.requestTimeoutMillis = requestTimeoutMillis;
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> observer) {
        responder.respond("Status", observer, () -> {
            LoopStatus status = loop.status();
            StatusResponse.Builder response = StatusResponse.newBuilder().setHeader(header(status))
                    .setMemberId(status.id()).setLeader(status.leader()).setRaftTerm(status.term())
                    .setCommitIndex(status.commit()).setAppliedIndex(status.applied()).setRaftState(status.roleName())
                    .setDbSize(stateMachine.sizeBytes()).setVersion(VERSION);
            if (!loop.isAlive()) {
                response.addErrors("raft loop stopped");
            }
            if (status.leader() == 0) {
                response.addErrors("no leader known");
            }
            return CompletableFuture.completedFuture(response.build());
        });
    }

    @Override
    public void transferLeader(TransferLeaderRequest request, StreamObserver<TransferLeaderResponse> observer) {
        responder.respond("TransferLeader", observer, () -> {
            leadership.requireLeader();
            long target = request.getTargetId();
            return loop.call(node -> node.transferLeader(target)).thenCompose(result -> {
                if (result instanceof ProposeResult.Dropped dropped) {
                    throw loop.dropErrorFor(dropped);
                }
                CompletableFuture<TransferLeaderResponse> done = new CompletableFuture<>();
                awaitLeader(target, done, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis));
                return done;
            });
        });
    }

    /** Polls the published status until the target leads; the responder's timeout bounds the wait. */
    private void awaitLeader(long target, CompletableFuture<TransferLeaderResponse> done, long deadlineNanos) {
        if (done.isDone()) {
            return;
        }
        if (System.nanoTime() > deadlineNanos) {
            done.completeExceptionally(ServerException.of(ErrorCode.TIMEOUT,
                    "node %d did not take over leadership in time", target));
            return;
        }
        LoopStatus status = loop.status();
        if (status.leader() == target) {
            done.complete(TransferLeaderResponse.newBuilder().setHeader(header(status)).build());
            return;
        }
        if (!loop.isAlive()) {
            done.completeExceptionally(ServerException.of(ErrorCode.STOPPING, "node stopped during the transfer"));
            return;
        }
        scheduler.schedule(() -> awaitLeader(target, done, deadlineNanos), 20, TimeUnit.MILLISECONDS);
    }

    private ResponseHeader header(LoopStatus status) {
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(status.id()).setRaftTerm(status.term())
                .setRevision(stateMachine.revision()).build();
    }
}
