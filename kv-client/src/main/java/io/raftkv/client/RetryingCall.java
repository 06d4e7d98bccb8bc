package io.raftkv.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request from the caller's point of view: attempts, each given the whole remaining deadline,
 * separated by jittered backoff, until one succeeds, a failure is final, the attempts run out or
 * the deadline passes. The deadline runs from construction; the request is given to
 * {@link #start}, which may come later (a write first waits for its session slot). The same
 * request message is sent every time, so a write keeps its request id across retries.
 *
 * <p>Threads: only one attempt is outstanding at a time, and each step (the gRPC callback, then
 * the scheduled retry) starts after the previous one ended, handed over through the executor, so
 * the attempt state needs no lock. {@link #start} may run on another thread than the
 * constructor (a write starts when it gets its session slot); it sets the request before the first
 * attempt, and gRPC runs the callbacks after the call is started. {@link #result} may also be
 * completed by {@code close()}.
 */
final class RetryingCall<Req, Resp> {
  private static final Logger log = LoggerFactory.getLogger(RetryingCall.class);

  /**
   * A follower may point at a member that is itself not yet leader (an election just ended);
   * after this many redirects in a row the client backs off instead of bouncing at full speed.
   */
  private static final int IMMEDIATE_REDIRECTS_MAX = 2;

  private final ClientCore core;
  private final MethodDescriptor<Req, Resp> method;
  /** Set once by start(), before the first attempt; every attempt sends this same message. */
  private Req request;
  private final Idempotence idempotence;
  /** Non-null: every attempt goes to this endpoint and there is one attempt (status probes). */
  private final String fixedEndpoint;
  private final Duration timeout;
  private final long deadlineNanos;
  /** The same instant as deadlineNanos, for gRPC: absolute, so slow setup cannot stretch it. */
  private final Deadline deadline;
  private final int maxAttempts;
  final CompletableFuture<Resp> result = new CompletableFuture<>();

  private int attempts;
  private int backoffs;
  private int redirectsInARow;
  private boolean serverReached;
  private Failure lastFailure;
  /** One entry per endpoint tried, so bounded by the ring size. */
  private final Map<String, String> lastFailureByEndpoint = new LinkedHashMap<>();

  RetryingCall(
      ClientCore core,
      MethodDescriptor<Req, Resp> method,
      Idempotence idempotence,
      String fixedEndpoint,
      Duration timeout) {
    this.core = core;
    this.method = method;
    this.idempotence = idempotence;
    this.fixedEndpoint = fixedEndpoint;
    this.timeout = timeout;
    this.deadline = Deadline.after(timeout.toNanos(), TimeUnit.NANOSECONDS);
    this.deadlineNanos = System.nanoTime() + deadline.timeRemaining(TimeUnit.NANOSECONDS);
    this.maxAttempts = fixedEndpoint != null ? 1 : core.retryPolicy().maxAttempts();
  }

  /** The instant the request's deadline passes, on the {@link System#nanoTime()} scale. */
  long deadlineNanos() {
    return deadlineNanos;
  }

  /** Sends {@code request}, the first attempt; call once. */
  void start(Req request) {
    Invariants.check(this.request == null, "%s started twice", method.getBareMethodName());
    this.request = Objects.requireNonNull(request, "request");
    attempt();
  }

  private void attempt() {
    if (result.isDone()) {
      return;
    }
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      failWithTimeout();
      return;
    }
    String endpoint = fixedEndpoint != null ? fixedEndpoint : core.router().preferred();
    ManagedChannel channel;
    try {
      channel = core.channels().channel(endpoint);
    } catch (IllegalStateException closed) {
      result.completeExceptionally(ClientCore.closedException());
      return;
    }
    attempts++;
    KvStreams streams = core.streams();
    if (streams != null && KvStream.carries(method)) {
      streams.send(channel, method, request, remaining, new Attempt(endpoint));
      return;
    }
    // Each attempt gets what remains of the request's deadline.
    ClientCall<Req, Resp> call = channel.newCall(method, CallOptions.DEFAULT.withDeadline(deadline));
    ClientCalls.asyncUnaryCall(call, request, new Attempt(endpoint));
  }

  private void onSuccess(String endpoint, Resp response) {
    if (response == null) {
      onFailure(endpoint, Status.INTERNAL.withDescription("server completed the call without a response").asRuntimeException());
      return;
    }
    result.complete(response);
  }

  private void onFailure(String endpoint, Throwable error) {
    Failure failure = Failure.of(endpoint, error);
    lastFailure = failure;
    serverReached |= failure.serverReached();
    // Keeps the order endpoints were first tried in, which is the order a reader expects.
    lastFailureByEndpoint.put(endpoint, failure.message());
    RetryDecision decision = RetryDecision.decide(failure, idempotence);
    if (fixedEndpoint == null && decision == RetryDecision.FAIL && failure.status() == Status.Code.DEADLINE_EXCEEDED) {
      // The member took the whole deadline: it may be cut off, so the next request goes elsewhere.
      core.router().rotateAwayFrom(endpoint);
    }
    if (decision == RetryDecision.FAIL) {
      result.completeExceptionally(finalException(failure));
      return;
    }
    if (attempts >= maxAttempts) {
      result.completeExceptionally(attemptsExhausted(failure));
      return;
    }
    log.debug("client retries method={} endpoint={} attempt={} decision={} code={} status={}",
        method.getBareMethodName(), endpoint, attempts, decision, failure.code(), failure.status());
    switch (decision) {
      case FOLLOW_LEADER -> {
        String next = core.router().followLeader(endpoint, failure.leaderAddress());
        redirectsInARow++;
        scheduleNext(next, redirectsInARow <= IMMEDIATE_REDIRECTS_MAX ? 0 : nextBackoff());
      }
      case ROTATE -> {
        redirectsInARow = 0;
        String next = core.router().rotateAwayFrom(endpoint);
        scheduleNext(next, nextBackoff());
      }
      case SAME -> {
        redirectsInARow = 0;
        scheduleNext(endpoint, nextBackoff());
      }
      case FAIL -> throw new AssertionError("handled above");
    }
  }

  private long nextBackoff() {
    // Jitter only spreads retries out; nothing depends on its values, so an unseeded source is fine.
    return core.retryPolicy().backoffNanos(backoffs++, ThreadLocalRandom.current());
  }

  private void scheduleNext(String nextEndpoint, long delayNanos) {
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      failWithTimeout();
      return;
    }
    core.channels().reconnectIfFailing(nextEndpoint);
    // Sleeping past the deadline is pointless; waking at it gives the request its last chance.
    long delay = Math.min(delayNanos, remaining);
    if (delay == 0) {
      attempt();
      return;
    }
    try {
      core.scheduler().schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      result.completeExceptionally(ClientCore.closedException());
    }
  }

  private RaftKvException finalException(Failure failure) {
    if (failure.status() == Status.Code.DEADLINE_EXCEEDED && !failure.serverReached()) {
      return timeoutException();
    }
    if (failure.code() == ErrorCode.TIMEOUT) {
      return timeoutException();
    }
    return Exceptions.of(failure);
  }

  private RaftKvException attemptsExhausted(Failure failure) {
    if (fixedEndpoint != null && !failure.serverReached()) {
      // A probe of one endpoint: the caller already knows which; say only what went wrong.
      return new UnavailableException(failure.status(), failure.code(), failure.message(), fixedEndpoint);
    }
    if (!serverReached) {
      return new UnavailableException(Status.Code.UNAVAILABLE, failure.code(), unreachableMessage(), null);
    }
    return finalException(failure);
  }

  private void failWithTimeout() {
    result.completeExceptionally(timeoutException());
  }

  private TimeoutException timeoutException() {
    String message;
    if (lastFailure == null) {
      message = "deadline of " + Durations.format(timeout) + " passed before the first attempt";
    } else if (!serverReached) {
      message = fixedEndpoint != null ? lastFailure.message() : unreachableMessage();
    } else {
      message = "deadline of " + Durations.format(timeout) + " exceeded after " + attempts
          + (attempts == 1 ? " attempt" : " attempts") + "; last: " + lastFailure.summary();
    }
    ErrorCode code = lastFailure == null ? ErrorCode.UNKNOWN : lastFailure.code();
    String endpoint = lastFailure == null ? null : lastFailure.endpoint();
    return new TimeoutException(code, message, endpoint, attempts, serverReached, lastFailureByEndpoint);
  }

  private String unreachableMessage() {
    StringBuilder message = new StringBuilder("no endpoint reachable (");
    String separator = "";
    for (Map.Entry<String, String> entry : lastFailureByEndpoint.entrySet()) {
      message.append(separator).append(entry.getKey()).append(": ").append(entry.getValue());
      separator = "; ";
    }
    return message.append(')').toString();
  }

  /** Receives one attempt's outcome; a unary call delivers one value, then completion, or an error. */
  private final class Attempt implements StreamObserver<Resp> {
    private final String endpoint;
    private Resp response;

    Attempt(String endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public void onNext(Resp value) {
      response = value;
    }

    @Override
    public void onError(Throwable error) {
      onFailure(endpoint, error);
    }

    @Override
    public void onCompleted() {
      onSuccess(endpoint, response);
    }
  }
}
