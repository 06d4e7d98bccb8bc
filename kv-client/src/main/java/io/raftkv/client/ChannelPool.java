package io.raftkv.client;

import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC channel per endpoint, created on first use and reused for every request to it.
 *
 * <p>Bounded: beyond {@code capacity} channels the oldest one not for a configured endpoint is
 * shut down (gracefully: calls on it finish). In practice the pool holds the configured endpoints
 * plus the few leader addresses learned from hints.
 *
 * <p>Thread-safe: guarded by {@code this}; creating a channel does no I/O (connections are made
 * lazily by gRPC), so holding the lock while building one is cheap.
 */
final class ChannelPool {
  private static final Logger log = LoggerFactory.getLogger(ChannelPool.class);

  private final ChannelFactory factory;
  private final Executor executor;
  private final int maxInboundMessageBytes;
  private final Set<String> pinned;
  private final int capacity;
  /** Insertion order = creation order, for eviction. Guarded by this. */
  private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
  /** Guarded by this. */
  private boolean shutdown;

  ChannelPool(ChannelFactory factory, Executor executor, int maxInboundMessageBytes, Set<String> pinned, int capacity) {
    if (capacity < pinned.size() + 1) {
      throw new IllegalArgumentException("capacity " + capacity + " must exceed the " + pinned.size() + " configured endpoints");
    }
    this.factory = factory;
    this.executor = executor;
    this.maxInboundMessageBytes = maxInboundMessageBytes;
    this.pinned = Set.copyOf(pinned);
    this.capacity = capacity;
  }

  /**
   * The channel for {@code endpoint}, created if needed.
   *
   * @throws IllegalStateException if the pool has been shut down (the client is closed)
   */
  synchronized ManagedChannel channel(String endpoint) {
    if (shutdown) {
      throw new IllegalStateException("client is closed");
    }
    ManagedChannel channel = channels.get(endpoint);
    if (channel != null) {
      return channel;
    }
    if (channels.size() >= capacity) {
      evictOne();
    }
    channel = factory.newBuilder(endpoint)
        .executor(executor)
        .maxInboundMessageSize(maxInboundMessageBytes)
        .userAgent("raftkv-client")
        // RetryingCall does the retries (with the write's request id and the leader hint);
        // gRPC's own transparent retry would buffer every message for nothing, and cost the benchmark
        // client a third of its CPU (25% -> 16% of two cores at put --inflight 64).
        .disableRetry()
        .build();
    channels.put(endpoint, channel);
    return channel;
  }

  /**
   * Asks a channel that failed to connect to try again now rather than after gRPC's own backoff
   * (which grows to two minutes): the client's retry loop already paces its attempts.
   */
  synchronized void reconnectIfFailing(String endpoint) {
    ManagedChannel channel = channels.get(endpoint);
    if (channel != null && channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
  }

  /** Call only when holding the lock. */
  private void evictOne() {
    Iterator<Map.Entry<String, ManagedChannel>> entries = channels.entrySet().iterator();
    while (entries.hasNext()) {
      Map.Entry<String, ManagedChannel> entry = entries.next();
      if (!pinned.contains(entry.getKey())) {
        log.debug("client closes channel to make room endpoint={}", entry.getKey());
        entry.getValue().shutdown();
        entries.remove();
        return;
      }
    }
    throw new IllegalStateException("channel pool is full of configured endpoints; capacity " + capacity);
  }

  /** Starts an orderly shutdown of every channel; calls in flight may finish. */
  synchronized void shutdown() {
    shutdown = true;
    for (ManagedChannel channel : channels.values()) {
      channel.shutdown();
    }
  }

  /** Waits until every channel has terminated or the time is up; true if all terminated. */
  boolean awaitTermination(long timeoutNanos) throws InterruptedException {
    List<ManagedChannel> snapshot;
    synchronized (this) {
      snapshot = new ArrayList<>(channels.values());
    }
    long deadline = System.nanoTime() + timeoutNanos;
    for (ManagedChannel channel : snapshot) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || !channel.awaitTermination(remaining, TimeUnit.NANOSECONDS)) {
        return false;
      }
    }
    return true;
  }

  /** Cancels the calls still running. */
  synchronized void shutdownNow() {
    shutdown = true;
    for (ManagedChannel channel : channels.values()) {
      channel.shutdownNow();
    }
  }
}
