package io.raftkv.client;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
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

/**
 * What the facades share: channels, the router, the retry threads, request ids and the cap on
 * requests in flight. Owned by one {@link RaftKvClient}; thread-safe.
 *
 * <p>One small scheduled pool runs both gRPC's callbacks and the delayed retries. Its queue has
 * no fixed capacity, but it cannot grow without bound: each request in flight has at most one
 * task queued at a time (gRPC serialises a call's callbacks; a request waits for one retry at a
 * time), and requests in flight are capped by a semaphore.
 */
final class ClientCore {
  private final EndpointRouter router;
  private final ChannelPool channels;
  private final ScheduledThreadPoolExecutor scheduler;
  private final RetryPolicy retryPolicy;
  private final Duration requestTimeout;
  private final Duration closeTimeout;
  private final RequestIdGenerator requestIds;
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
    this.requestIds = new RequestIdGenerator(config.clientId());
    this.inflightMax = config.inflightMax();
    this.inflight = new Semaphore(inflightMax);
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

  RequestIdGenerator requestIds() {
    return requestIds;
  }

  /** Sends a request to the leader (or wherever the router points), retrying as allowed. */
  <Req, Resp> CompletableFuture<Resp> call(MethodDescriptor<Req, Resp> method, Req request, Idempotence idempotence) {
    return start(method, request, idempotence, null);
  }

  /** Sends a request to one endpoint, once: for per-endpoint status and health. */
  <Req, Resp> CompletableFuture<Resp> callAt(String endpoint, MethodDescriptor<Req, Resp> method, Req request) {
    return start(method, request, Idempotence.SAFE_TO_RETRY, endpoint);
  }

  private <Req, Resp> CompletableFuture<Resp> start(
      MethodDescriptor<Req, Resp> method, Req request, Idempotence idempotence, String fixedEndpoint) {
    if (closed) {
      return CompletableFuture.failedFuture(closedException());
    }
    if (!inflight.tryAcquire()) {
      return CompletableFuture.failedFuture(new ResourceExhaustedException(
          Status.Code.RESOURCE_EXHAUSTED, ErrorCode.UNKNOWN,
          "client has " + inflightMax + " requests in flight (the builder's inflightMax)", null));
    }
    RetryingCall<Req, Resp> call = new RetryingCall<>(this, method, request, idempotence, fixedEndpoint, requestTimeout);
    live.add(call);
    call.result.whenComplete((response, error) -> {
      live.remove(call);
      inflight.release();
    });
    call.start();
    return call.result;
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
