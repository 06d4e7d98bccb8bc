package io.raftkv.client;

import java.util.Objects;

/**
 * A cluster member.
 *
 * @param name human-readable, not unique, not used for routing
 * @param peerUrl address peers dial (host:port)
 * @param clientUrl address clients dial (host:port)
 * @param learner receives the log but does not vote until promoted
 */
public record Member(long id, String name, String peerUrl, String clientUrl, boolean learner) {
  public Member {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(peerUrl, "peerUrl");
    Objects.requireNonNull(clientUrl, "clientUrl");
  }
}
