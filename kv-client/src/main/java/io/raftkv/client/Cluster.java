package io.raftkv.client;

import io.grpc.Status;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.MemberAddRequest;
import io.raftkv.proto.api.MemberListRequest;
import io.raftkv.proto.api.MemberPromoteRequest;
import io.raftkv.proto.api.MemberRemoveRequest;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * Membership changes, which the leader performs one at a time. Changes carry no request id, so
 * a change whose outcome is unknown (the leader changed mid-call) fails with
 * {@link UnavailableException} instead of being re-sent: check {@link #memberList()} then.
 * Thread-safe; {@link #sync()} gives the blocking form.
 */
public final class Cluster {
  private final ClientCore core;
  private final SyncCluster sync;

  Cluster(ClientCore core) {
    this.core = core;
    this.sync = new SyncCluster(this);
  }

  public SyncCluster sync() {
    return sync;
  }

  /** The members, sorted by id. */
  public CompletableFuture<List<Member>> memberList() {
    return core.call(ClusterGrpc.getMemberListMethod(), MemberListRequest.getDefaultInstance(), Idempotence.SAFE_TO_RETRY)
        .thenApply(response -> ProtoCodec.members(response.getMembersList()));
  }

  /** Adds a learner (it gets the log but does not vote until promoted); the server picks its id. */
  public CompletableFuture<MemberAddResult> memberAdd(String peerUrl, String clientUrl) {
    return memberAdd(peerUrl, clientUrl, "");
  }

  /** Adds a learner with a human-readable name. */
  public CompletableFuture<MemberAddResult> memberAdd(String peerUrl, String clientUrl, String name) {
    Objects.requireNonNull(name, "name");
    String problem = checkUrl("peer", peerUrl);
    if (problem == null) {
      problem = checkUrl("client", clientUrl);
    }
    if (problem != null) {
      return CompletableFuture.failedFuture(
          new InvalidRequestException(Status.Code.INVALID_ARGUMENT, ErrorCode.MEMBER_INVALID, problem, null));
    }
    MemberAddRequest request = MemberAddRequest.newBuilder()
        .setPeerUrl(peerUrl.trim())
        .setClientUrl(clientUrl.trim())
        .setName(name)
        .build();
    return core.call(ClusterGrpc.getMemberAddMethod(), request, Idempotence.RETRY_IF_NOT_APPLIED)
        .thenApply(ProtoCodec::memberAddResult);
  }

  /** Makes a learner a voter; the server refuses until the learner has caught up. */
  public CompletableFuture<List<Member>> memberPromote(long id) {
    MemberPromoteRequest request = MemberPromoteRequest.newBuilder().setId(id).build();
    return core.call(ClusterGrpc.getMemberPromoteMethod(), request, Idempotence.RETRY_IF_NOT_APPLIED)
        .thenApply(response -> ProtoCodec.members(response.getMembersList()));
  }

  /** Removes a member; returns the membership after the change. */
  public CompletableFuture<List<Member>> memberRemove(long id) {
    MemberRemoveRequest request = MemberRemoveRequest.newBuilder().setId(id).build();
    return core.call(ClusterGrpc.getMemberRemoveMethod(), request, Idempotence.RETRY_IF_NOT_APPLIED)
        .thenApply(response -> ProtoCodec.members(response.getMembersList()));
  }

  private static String checkUrl(String which, String url) {
    if (url == null) {
      return which + " url is missing";
    }
    try {
      Endpoints.check(url.trim());
      return null;
    } catch (IllegalArgumentException invalid) {
      return which + " url: " + invalid.getMessage();
    }
  }
}
