package io.raftkv.server.api;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.Member;
import io.raftkv.proto.api.MemberAddRequest;
import io.raftkv.proto.api.MemberAddResponse;
import io.raftkv.proto.api.MemberListRequest;
import io.raftkv.proto.api.MemberListResponse;
import io.raftkv.proto.api.MemberPromoteRequest;
import io.raftkv.proto.api.MemberPromoteResponse;
import io.raftkv.proto.api.MemberRemoveRequest;
import io.raftkv.proto.api.MemberRemoveResponse;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import io.raftkv.server.loop.LoopStatus;
import io.raftkv.server.loop.RaftLoop;
import io.raftkv.server.storage.ApplyResult;
import io.raftkv.server.storage.KvStateMachine;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Membership, etcd style: a new member joins as a learner (it votes on nothing while it catches
 * up), is promoted to voter once its log is close to the leader's, and can be removed. Each change
 * is a conf change through the log, carrying the member's addresses, and answers once applied.
 */
public final class ClusterService extends ClusterGrpc.ClusterImplBase {
    /** A learner is promotable once it holds this share of the leader's committed log (etcd uses 90%). */
    private static final double PROMOTE_CAUGHT_UP_SHARE = 0.9;

    private final long clusterId;
    private final RaftLoop loop;
    private final KvStateMachine stateMachine;
    private final Leadership leadership;
    private final Responder responder;

    public ClusterService(long clusterId, RaftLoop loop, KvStateMachine stateMachine, Leadership leadership,
                          long requestTimeoutMillis, RequestMetrics metrics) {
        this.clusterId = clusterId;
        this.loop = loop;
        this.stateMachine = stateMachine;
        this.leadership = leadership;
        this.responder = new Responder(requestTimeoutMillis, leadership, metrics);
    }

    @Override
    public void memberList(MemberListRequest request, StreamObserver<MemberListResponse> observer) {
        responder.respond("MemberList", observer, () -> CompletableFuture.completedFuture(
                MemberListResponse.newBuilder().setHeader(header()).addAllMembers(members()).build()));
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        responder.respond("MemberAdd", observer, () -> {
            checkAddress("peer_url", request.getPeerUrl());
            checkAddress("client_url", request.getClientUrl());
            leadership.requireLeader();
            long id = request.getId() != 0 ? request.getId() : newMemberId(request.getPeerUrl());
            for (Member existing : stateMachine.members()) {
                if (existing.getId() == id) {
                    throw ServerException.of(ErrorCode.MEMBER_INVALID, "member %d already exists", id);
                }
                if (existing.getPeerUrl().equals(request.getPeerUrl())) {
                    throw ServerException.of(ErrorCode.MEMBER_INVALID, "peer address %s is already used by member %d",
                            request.getPeerUrl(), existing.getId());
                }
            }
            Member member = Member.newBuilder().setId(id).setName(request.getName().isEmpty() ? "node-" + id : request.getName())
                    .setPeerUrl(request.getPeerUrl()).setClientUrl(request.getClientUrl()).setIsLearner(true).build();
            return change(ConfChange.simple(ConfChange.ChangeType.ADD_LEARNER, id, member.toByteArray()))
                    .thenApply(applied -> MemberAddResponse.newBuilder().setHeader(header()).setMember(member)
                            .addAllMembers(members()).build());
        });
    }

    @Override
    public void memberPromote(MemberPromoteRequest request, StreamObserver<MemberPromoteResponse> observer) {
        responder.respond("MemberPromote", observer, () -> {
            LoopStatus status = leadership.requireLeader();
            Member member = requireMember(request.getId());
            if (!status.confState().learners().contains(member.getId())) {
                throw ServerException.of(ErrorCode.MEMBER_INVALID, "member %d is not a learner", member.getId());
            }
            return loop.call(node -> node.matchIndex(member.getId())).thenCompose(match -> {
                long needed = (long) (status.commit() * PROMOTE_CAUGHT_UP_SHARE);
                if (match < needed) {
                    throw ServerException.of(ErrorCode.MEMBER_INVALID,
                            "learner %d is not caught up yet (has index %d, needs %d of the leader's %d); retry later",
                            member.getId(), match, needed, status.commit());
                }
                byte[] context = member.toBuilder().setIsLearner(false).build().toByteArray();
                return change(ConfChange.simple(ConfChange.ChangeType.ADD_VOTER, member.getId(), context));
            }).thenApply(applied -> MemberPromoteResponse.newBuilder().setHeader(header()).addAllMembers(members()).build());
        });
    }

    @Override
    public void memberRemove(MemberRemoveRequest request, StreamObserver<MemberRemoveResponse> observer) {
        responder.respond("MemberRemove", observer, () -> {
            leadership.requireLeader();
            Member member = requireMember(request.getId());
            return change(ConfChange.simple(ConfChange.ChangeType.REMOVE, member.getId()))
                    .thenApply(applied -> MemberRemoveResponse.newBuilder().setHeader(header()).addAllMembers(members()).build());
        });
    }

    private CompletableFuture<ApplyResult> change(ConfChange change) {
        return loop.proposeConfChange(change).thenApply(result -> {
            if (result instanceof ApplyResult.Error error) {
                throw new ServerException(error.code(), error.message());
            }
            return result;
        });
    }

    private Member requireMember(long id) {
        for (Member member : stateMachine.members()) {
            if (member.getId() == id) {
                return member;
            }
        }
        throw ServerException.of(ErrorCode.MEMBER_NOT_FOUND, "member %d is not in the cluster", id);
    }

    /**
     * The applied member list, learner flags included: both come from the state machine's one
     * applied configuration. (Taking the flags from the raft loop's published status instead raced
     * with the apply thread: a MemberAdd answered right after its entry was applied, before the
     * loop republished its status, listed the new learner as a voter.)
     */
    private List<Member> members() {
        return stateMachine.members();
    }

    private static void checkAddress(String field, String address) {
        int colon = address.lastIndexOf(':');
        boolean valid = colon > 0 && colon < address.length() - 1;
        if (valid) {
            try {
                int port = Integer.parseInt(address.substring(colon + 1));
                valid = port > 0 && port < 65536;
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "%s '%s' is not host:port", field, address);
        }
    }

    /** A member id from its address and the time, never 0; collisions are refused above. */
    private static long newMemberId(String peerUrl) {
        long id = (peerUrl.hashCode() * 0x9E3779B97F4A7C15L) ^ System.nanoTime();
        id &= Long.MAX_VALUE;
        return id == 0 ? 1 : id;
    }

    private ResponseHeader header() {
        LoopStatus status = loop.status();
        return ResponseHeader.newBuilder().setClusterId(clusterId).setMemberId(status.id()).setRaftTerm(status.term())
                .setRevision(stateMachine.revision()).build();
    }
}
