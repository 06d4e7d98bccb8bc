package io.raftkv.client;

import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * KV streams, one per channel, opened on first use and again after one ends (a broken connection
 * fails the requests in flight on it, which the caller's retry logic re-sends). Bounded by the
 * channels given: a stream that ends leaves the map. The client's, and the chaos harness's.
 * Thread-safe.
 */
public final class KvStreams {
  private final ScheduledExecutorService timers;
  /** Guarded by this. */
  private final Map<ManagedChannel, KvStream> streams = new IdentityHashMap<>();
  private boolean closed;

  /** {@code timers} keep the requests' deadlines. */
  public KvStreams(ScheduledExecutorService timers) {
    this.timers = timers;
  }

  /** Sends on {@code channel}'s stream, as {@link KvStream#send}; after {@link #drain}, fails with CANCELLED. */
  public <Q, R> void send(ManagedChannel channel, MethodDescriptor<Q, R> method, Q request, long timeoutNanos,
      StreamObserver<R> observer) {
    KvStream stream = stream(channel);
    if (stream == null) {
      observer.onError(Status.CANCELLED.withDescription("client is closed").asRuntimeException());
      return;
    }
    stream.send(method, request, timeoutNanos, observer);
  }

  private synchronized KvStream stream(ManagedChannel channel) {
    if (closed) {
      return null;
    }
    KvStream stream = streams.get(channel);
    if (stream == null || stream.isEnded()) {
      KvStream[] opened = new KvStream[1];
      opened[0] = new KvStream(channel, timers, () -> forget(channel, opened[0]));
      stream = opened[0];
      streams.put(channel, stream);
    }
    return stream;
  }

  /** A stream ended (it may end while it is being opened: then {@code stream} is still null). */
  private synchronized void forget(ManagedChannel channel, KvStream stream) {
    if (stream != null && streams.get(channel) == stream) {
      streams.remove(channel);
    }
  }

  /**
   * Ends every stream so the channels can terminate: one with requests in flight is half-closed
   * (the server ends it once it has answered them), an idle one is cancelled at once (a stream to a
   * member that died silently would otherwise hold the close for its whole timeout). Later
   * requests fail with CANCELLED.
   */
  void drain() {
    List<KvStream> open;
    synchronized (this) {
      closed = true;
      open = new ArrayList<>(streams.values());
      streams.clear();
    }
    for (KvStream stream : open) {
      if (stream.inFlight() == 0) {
        stream.close();
      } else {
        stream.halfClose();
      }
    }
  }
}
