package io.raftkv.client;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which endpoint the next attempt goes to: the leader once known, else the endpoints in
 * turn. Every request goes to the same preferred endpoint, because writes must reach the leader
 * and reads are cheapest there too (a follower's linearizable read asks the leader anyway).
 *
 * <p>The ring holds the configured endpoints plus up to {@code learnedMax} leader addresses
 * learned from NOT_LEADER hints that were not configured (a member added later, say). When the
 * preferred endpoint fails, the router moves to the next one in the ring, so the client never
 * stays pinned to a member cut off by a partition (etcd #8660).
 *
 * <p>Thread-safe: all state is guarded by {@code this}; the methods are short and never block.
 */
final class EndpointRouter {
  private static final Logger log = LoggerFactory.getLogger(EndpointRouter.class);

  private final List<String> configured;
  private final int learnedMax;
  /** Configured endpoints first, then learned ones, oldest learned first. Guarded by this. */
  private final List<String> ring;
  /** Invariant: ring.contains(preferred). Guarded by this. */
  private String preferred;

  EndpointRouter(List<String> configured, int learnedMax) {
    if (configured.isEmpty()) {
      throw new IllegalArgumentException("at least one endpoint is needed");
    }
    if (learnedMax < 0) {
      throw new IllegalArgumentException("learnedMax must be >= 0, got " + learnedMax);
    }
    this.configured = List.copyOf(configured);
    this.learnedMax = learnedMax;
    this.ring = new ArrayList<>(this.configured);
    this.preferred = this.configured.get(0);
  }

  List<String> configured() {
    return configured;
  }

  synchronized String preferred() {
    return preferred;
  }

  /**
   * {@code from} said the leader is at {@code leaderAddress}: prefer it from now on, adding it to
   * the ring if it is new. A missing, malformed or self-referring hint counts as a failure of
   * {@code from} instead. Returns the endpoint to try next.
   */
  synchronized String followLeader(String from, String leaderAddress) {
    if (leaderAddress.isEmpty() || leaderAddress.equals(from) || !Endpoints.isValid(leaderAddress)) {
      return rotateAwayFrom(from);
    }
    if (!ring.contains(leaderAddress)) {
      learn(leaderAddress);
      if (!ring.contains(leaderAddress)) {
        return rotateAwayFrom(from);
      }
    }
    if (!leaderAddress.equals(preferred)) {
      log.debug("client follows leader hint from={} leader={}", from, leaderAddress);
      preferred = leaderAddress;
    }
    return preferred;
  }

  /**
   * {@code failed} did not serve a request: if it is still preferred, move to the next endpoint
   * in the ring. Concurrent requests failing on the same endpoint move the router only once.
   * Returns the endpoint to try next.
   */
  synchronized String rotateAwayFrom(String failed) {
    if (!failed.equals(preferred)) {
      return preferred;
    }
    int index = ring.indexOf(failed);
    String next = ring.get((index + 1) % ring.size());
    log.debug("client rotates endpoint from={} to={}", failed, next);
    preferred = next;
    return preferred;
  }

  /** Call only when holding the lock. */
  private void learn(String address) {
    int learned = ring.size() - configured.size();
    if (learned >= learnedMax) {
      if (learnedMax == 0) {
        return;
      }
      // Forget the oldest learned address; configured endpoints always stay.
      String forgotten = ring.remove(configured.size());
      if (forgotten.equals(preferred)) {
        preferred = configured.get(0);
      }
    }
    ring.add(address);
  }

  synchronized List<String> ring() {
    return List.copyOf(ring);
  }
}
