package io.raftkv.client.load;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.raftkv.client.KvStream;
import io.raftkv.proto.api.RequestId;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request in flight at a time on one channel, as a unary call or on the channel's KV stream
 * ({@link BenchConfig#streams}). The slot is its own response observer, so an op allocates only
 * its request, call (or stream message) and deadline. Completions run on gRPC's transport thread
 * (the channels use a direct executor): no hand-off to another thread per op.
 *
 * <p>Over raftkv, each slot writes under its own client id with its own sequence, one server
 * session per slot, as the client library's session slots do ({@code io.raftkv.client.SessionSlots} explains why).
 * The server accepts a client id's writes only in sequence order; a slot has one op in flight, so
 * its sequences reach the server in order however many slots run. The bench does not retry, so a
 * write that timed out may still be applied later or refused as stale; it is counted as an error
 * either way, and the slot's next write, numbered higher, is unaffected. Over etcd, which has no
 * sessions, the slot sends the same ops without request ids ({@link Workload} builds them).
 *
 * <p>Threads: a slot's fields are written before its call starts and read in the call's
 * callbacks, which gRPC orders after the start. {@link #next()} may be entered again from a
 * completion delivered inline (the in-process transport does that); the work-in-progress counter
 * turns that into a loop instead of a recursion.
 */
final class Slot implements StreamObserver<Object>, Workload.Session {
  private final BenchRunner runner;
  private final ManagedChannel channel;
  /** The channel's KV stream, or null when each op is a unary call. */
  private final KvStream stream;
  private final Workload workload;
  private final SplittableRandom random;
  private final long timeoutNanos;
  /** This slot's session; non-zero, distinct from every other slot's. */
  private final long clientId;
  /** Last sequence sent under clientId; sends of one slot are ordered (see Threads below). */
  private long lastSequence;
  private final AtomicInteger workInProgress = new AtomicInteger();
  private long startNanos;
  /** Start time of the op {@link #next} was asked to send; published by workInProgress. */
  private long pendingStartNanos;

  Slot(BenchRunner runner, ManagedChannel channel, KvStream stream, Workload workload, SplittableRandom random,
      long timeoutNanos, long clientId) {
    this.runner = runner;
    this.channel = channel;
    this.stream = stream;
    this.workload = workload;
    this.random = random;
    this.timeoutNanos = timeoutNanos;
    this.clientId = clientId;
  }

  /**
   * Closed loop: sends the next op, starting its clock at {@code start} (when the runner allowed
   * it), or lets the loop already running on this stack send it.
   */
  void next(long start) {
    pendingStartNanos = start;
    if (workInProgress.getAndIncrement() != 0) {
      return;
    }
    do {
      send(pendingStartNanos);
    } while (workInProgress.decrementAndGet() != 0);
  }

  /** Open loop: sends one op whose latency counts from {@code intendedNanos}, not from now. */
  void sendAt(long intendedNanos) {
    send(intendedNanos);
  }

  private void send(long start) {
    startNanos = start;
    ByteString key = workload.key(random);
    startCall(workload.request(workload.pick(random), key, this));
  }

  private <Q, R> void startCall(Workload.Request<Q, R> request) {
    if (stream != null) {
      stream.send(request.method(), request.message(), timeoutNanos, self());
      return;
    }
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS);
    ClientCalls.asyncUnaryCall(channel.newCall(request.method(), options), request.message(), self());
  }

  @Override
  public RequestId nextRequestId() {
    return RequestId.newBuilder().setClientId(clientId).setSequence(++lastSequence).build();
  }

  @SuppressWarnings("unchecked")
  private <T> StreamObserver<T> self() {
    return (StreamObserver<T>) (StreamObserver<?>) this;
  }

  @Override
  public void onNext(Object response) {
    // Only the latency and the status matter.
  }

  @Override
  public void onError(Throwable error) {
    runner.completed(this, startNanos, error);
  }

  @Override
  public void onCompleted() {
    runner.completed(this, startNanos, null);
  }
}
