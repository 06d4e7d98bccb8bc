package io.raftkv.client;

import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.TransferLeaderRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Per-member status and leadership transfer. Thread-safe; {@link #sync()} gives the blocking form. */
public final class Maintenance {
  private final ClientCore core;
  private final SyncMaintenance sync;

  Maintenance(ClientCore core) {
    this.core = core;
    this.sync = new SyncMaintenance(this);
  }

  public SyncMaintenance sync() {
    return sync;
  }

  /**
   * Asks one endpoint (configured or not) for its status, once, without redirects: the answer
   * describes that member.
   */
  public CompletableFuture<StatusResult> status(String endpoint) {
    String checked = Endpoints.check(endpoint.trim());
    return core.callAt(checked, MaintenanceGrpc.getStatusMethod(), StatusRequest.getDefaultInstance())
        .thenApply(response -> ProtoCodec.statusResult(checked, response));
  }

  /**
   * Asks every configured endpoint, in parallel. Never fails as a whole: an endpoint that does
   * not answer is reported as {@link EndpointStatus.Unreachable}. In the order of the endpoints.
   */
  public CompletableFuture<List<EndpointStatus>> statusAll() {
    List<CompletableFuture<EndpointStatus>> probes = new ArrayList<>();
    for (String endpoint : core.router().configured()) {
      probes.add(probe(endpoint));
    }
    return CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).thenApply(done -> {
      List<EndpointStatus> statuses = new ArrayList<>(probes.size());
      for (CompletableFuture<EndpointStatus> probe : probes) {
        statuses.add(probe.join());
      }
      return statuses;
    });
  }

  private CompletableFuture<EndpointStatus> probe(String endpoint) {
    long start = System.nanoTime();
    return status(endpoint).handle((status, error) -> {
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      if (error == null) {
        return new EndpointStatus.Reachable(endpoint, status, latency);
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
      RaftKvException failure = cause instanceof RaftKvException known
          ? known
          : new ServerException(io.grpc.Status.Code.UNKNOWN, ErrorCode.UNKNOWN, String.valueOf(cause), endpoint);
      return new EndpointStatus.Unreachable(endpoint, failure, latency);
    });
  }

  /**
   * Hands leadership to voter {@code targetId}; completes once it leads or the transfer failed.
   * The target must be caught up, or the server's transfer times out.
   */
  public CompletableFuture<Void> transferLeader(long targetId) {
    if (targetId == 0) {
      throw new IllegalArgumentException("target id must be non-zero");
    }
    TransferLeaderRequest request = TransferLeaderRequest.newBuilder().setTargetId(targetId).build();
    return core.call(MaintenanceGrpc.getTransferLeaderMethod(), request, Idempotence.RETRY_IF_NOT_APPLIED)
        .thenApply(response -> null);
  }
}
