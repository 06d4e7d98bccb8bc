package io.raftkv.client;

import java.util.List;

/** The blocking form of {@link Cluster}. Thread-safe. */
public final class SyncCluster {
  private final Cluster cluster;

  SyncCluster(Cluster cluster) {
    this.cluster = cluster;
  }

  public List<Member> memberList() {
    return Futures.join(cluster.memberList());
  }

  public MemberAddResult memberAdd(String peerUrl, String clientUrl) {
    return Futures.join(cluster.memberAdd(peerUrl, clientUrl));
  }

  public MemberAddResult memberAdd(String peerUrl, String clientUrl, String name) {
    return Futures.join(cluster.memberAdd(peerUrl, clientUrl, name));
  }

  public List<Member> memberPromote(long id) {
    return Futures.join(cluster.memberPromote(id));
  }

  public List<Member> memberRemove(long id) {
    return Futures.join(cluster.memberRemove(id));
  }
}
