package io.raftkv.client;

import java.util.List;
import java.util.Objects;

/**
 * One member's view of itself and the cluster.
 *
 * @param id the member's id
 * @param address the endpoint that answered (host:port)
 * @param leader the leader's id as this member knows it; 0 when unknown
 * @param term the member's Raft term
 * @param commit the member's commit index
 * @param applied the member's applied index
 * @param role "leader", "follower", "candidate", "pre-candidate" or "learner"
 * @param dbSize bytes used by the state machine's database (RocksDB's estimate)
 * @param version the server version
 * @param errors conditions needing attention (e.g. "disk nearly full"); empty when healthy
 * @param revision store revision
 */
public record StatusResult(
    long id,
    String address,
    long leader,
    long term,
    long commit,
    long applied,
    String role,
    long dbSize,
    String version,
    List<String> errors,
    long revision) {
  public StatusResult {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(version, "version");
    errors = List.copyOf(errors);
  }

  /** Whether this member says it is the leader. */
  public boolean isLeader() {
    return id != 0 && id == leader;
  }
}
