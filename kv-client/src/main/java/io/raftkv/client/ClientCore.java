package io.raftkv.client;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.raftkv.proto.api.RequestId;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * What the facades share: channels, the router, the retry threads, the write session slots and
 * the cap on requests in flight. Owned by one {@link RaftKvClient}; thread-safe.
 *
 * <p>One small scheduled pool runs both gRPC's callbacks and the delayed retries. Its queue has
 * no fixed capacity, but it cannot grow without bound: each request in flight has at most one
 * task queued at a time (gRPC serialises a call's callbacks; a request waits for one retry at a
 * time), and requests in flight are capped by a semaphore.
 *
 * <p>A write takes a request permit, then a session slot ({@link SessionSlots}); when it completes
 * it gives the slot back first, then the permit. There are as many slots as permits, so a write
 * holding a permit always finds a slot at once.
 */
final class ClientCore {
  private final EndpointRouter router;
  private final ChannelPool channels;
  private final ScheduledThreadPoolExecutor scheduler;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;
  private final Duration closeTimeout;
  private final SessionSlots sessions;
  /** Null when the client sends every request as a unary call ({@link RaftKvClient.Builder#streaming}). */
  private final KvStreams streams;
  private final Semaphore inflight;
  private final int inflightMax;
  /** Calls not yet complete, so close() can fail those parked in backoff. */
  private final Set<RetryingCall<?, ?>> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  ClientCore(RaftKvClient.Builder config) {
    List<String> endpoints = config.endpoints();
    this.router = new EndpointRouter(endpoints, config.learnedEndpointsMax());
    this.scheduler = new ScheduledThreadPoolExecutor(config.callbackThreads(), daemonThreads());
    // Cancelled retries (on close) should not linger in the queue until their time comes.
    this.scheduler.setRemoveOnCancelPolicy(true);
    int capacity = endpoints.size() + config.learnedEndpointsMax() + 8;
    this.channels = new ChannelPool(
        config.channelFactory(), scheduler, config.maxInboundMessageBytes(), new HashSet<>(endpoints), capacity);
    this.retryPolicy = config.retryPolicy();
    this.requestTimeout = config.requestTimeout();
    this.closeTimeout = config.closeTimeout();
    this.inflightMax = config.inflightMax();
    this.sessions = new SessionSlots(config.clientId(), inflightMax, scheduler);
    this.inflight = new Semaphore(inflightMax);
    this.streams = config.streaming() ? new KvStreams(scheduler) : null;
    // Building the first channel loads the transport's classes, which takes a second or more in a
    // cold JVM; done here, that time is not charged to the first request's deadline.
    this.channels.channel(router.preferred());
  }

  private static ThreadFactory daemonThreads() {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, "raftkv-client-" + counter.incrementAndGet());
      // Daemon: a client the application forgot to close must not keep the JVM alive.
      thread.setDaemon(true);
      return thread;
    };
  }

  EndpointRouter router() {
    return router;
  }

  ChannelPool channels() {
    return channels;
  }

  ScheduledExecutorService scheduler() {
    return scheduler;
  }

  RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  Duration requestTimeout() {
    return requestTimeout;
  }

  SessionSlots sessions() {
    return sessions;
  }

  /** The KV streams, or null when every request is a unary call. */
  KvStreams streams() {
    return streams;
  }

  /**
   * Sends a request without a request id to the leader (or wherever the router points), retrying
   * as {@code idempotence} allows: reads, membership changes, leader transfer.
   */
  <Req, Resp> CompletableFuture<Resp> call(MethodDescriptor<Req, Resp> method, Req request, Idempotence idempotence) {
    return start(method, request, idempotence, null);
  }

  /**
   * Sends a write under a session slot: once the write has a slot, {@code request} builds the
   * message with the slot's next request id, and every retry re-sends that same message. The slot
   * goes back to the pool when the write completes, however it completes.
   */
  <Req, Resp> CompletableFuture<Resp> write(MethodDescriptor<Req, Resp> method, Function<RequestId, Req> request) {
    RaftKvException refused = admit();
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    RetryingCall<Req, Resp> call = new RetryingCall<>(this, method, Idempotence.SAFE_TO_RETRY, null, requestTimeout);
    // The slot held by this write: set when it gets one, taken (exactly once) to give it back.
    AtomicReference<SessionSlots.Slot> held = new AtomicReference<>();
    CompletableFuture<Resp> outcome = track(call, held);
    sessions.acquire(call.deadlineNanos()).whenComplete((slot, error) -> {
      if (error != null) {
        call.result.completeExceptionally(error);
        return;
      }
      held.set(slot);
      if (call.result.isDone()) {
        // Closed while waiting for the slot: never sent, so the slot goes straight back.
        giveBack(held);
        return;
      }
      Req message;
      try {
        message = request.apply(slot.nextRequestId());
      } catch (RuntimeException e) {
        // The builders only set a field; but an exception here would leave the caller's future
        // pending forever, as whenComplete drops it.
        call.result.completeExceptionally(e);
        return;
      }
      call.start(message);
    });
    return outcome;
  }

  /** Sends a request to one endpoint, once: for per-endpoint status and health. */
  <Req, Resp> CompletableFuture<Resp> callAt(String endpoint, MethodDescriptor<Req, Resp> method, Req request) {
    return start(method, request, Idempotence.SAFE_TO_RETRY, endpoint);
  }

  private <Req, Resp> CompletableFuture<Resp> start(
      MethodDescriptor<Req, Resp> method, Req request, Idempotence idempotence, String fixedEndpoint) {
    RaftKvException refused = admit();
    if (refused != null) {
      return CompletableFuture.failedFuture(refused);
    }
    RetryingCall<Req, Resp> call = new RetryingCall<>(this, method, idempotence, fixedEndpoint, requestTimeout);
    CompletableFuture<Resp> outcome = track(call, null);
    call.start(request);
    return outcome;
  }

  /** Takes a request permit, or says why not (closed, or inflightMax requests in flight). */
  private RaftKvException admit() {
    if (closed) {
      return closedException();
    }
    if (!inflight.tryAcquire()) {
      return new ResourceExhaustedException(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.UNKNOWN,
          "client has " + inflightMax + " requests in flight (the builder's inflightMax)", null);
    }
    return null;
  }

  /**
   * Registers an admitted call until it completes; then gives back its slot, if it is a write
   * holding one, then its permit (in that order, see the class comment), and only then completes
   * the returned future with the call's outcome. The caller must not see the outcome earlier: a
   * caller writing again at once would find this write's slot still taken and open another
   * session, or, with inflightMax 1, find no permit.
   */
  private <Resp> CompletableFuture<Resp> track(RetryingCall<?, Resp> call, AtomicReference<SessionSlots.Slot> held) {
    live.add(call);
    CompletableFuture<Resp> outcome = new CompletableFuture<>();
    call.result.whenComplete((response, error) -> {
      live.remove(call);
      if (held != null) {
        giveBack(held);
      }
      inflight.release();
      if (error != null) {
        outcome.completeExceptionally(error);
      } else {
        outcome.complete(response);
      }
    });
    return outcome;
  }

  /** Returns the held slot to the pool, unless the other of the two paths already did. */
  private void giveBack(AtomicReference<SessionSlots.Slot> held) {
    SessionSlots.Slot slot = held.getAndSet(null);
    if (slot != null) {
      sessions.release(slot);
    }
  }

  static UnavailableException closedException() {
    return new UnavailableException(Status.Code.CANCELLED, ErrorCode.UNKNOWN, "client is closed", null);
  }

  /**
   * Lets calls in flight finish for up to the close timeout, then cancels what is left, fails
   * requests waiting to retry, and stops the threads.
   */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (streams != null) {
      streams.drain();
    }
    channels.shutdown();
    boolean interrupted = false;
    try {
      if (!channels.awaitTermination(closeTimeout.toNanos())) {
        channels.shutdownNow();
        channels.awaitTermination(TimeUnit.SECONDS.toNanos(1));
      }
    } catch (InterruptedException e) {
      channels.shutdownNow();
      interrupted = true;
    }
    for (RetryingCall<?, ?> call : live) {
      call.result.completeExceptionally(closedException());
    }
    scheduler.shutdownNow();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
