package io.raftkv.client;

import java.util.List;

/** The blocking form of {@link Maintenance}. Thread-safe. */
public final class SyncMaintenance {
  private final Maintenance maintenance;

  SyncMaintenance(Maintenance maintenance) {
    this.maintenance = maintenance;
  }

  public StatusResult status(String endpoint) {
    return Futures.join(maintenance.status(endpoint));
  }

  public List<EndpointStatus> statusAll() {
    return Futures.join(maintenance.statusAll());
  }

  public void transferLeader(long targetId) {
    Futures.join(maintenance.transferLeader(targetId));
  }
}
