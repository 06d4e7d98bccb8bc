package io.raftkv.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.StreamError;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import io.raftkv.proto.api.TxnRequest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One KV {@code Stream} call on a channel, carrying many Range, Put, DeleteRange and Txn requests
 * at once, each answered under its id (TiKV's BatchCommands). A unary call costs an HTTP/2 stream,
 * request headers, response headers and trailers on both ends; here a request is one message.
 *
 * <p>{@link #send} has a unary call's contract: the observer gets the response then completion,
 * or one error, as a {@link StatusRuntimeException} with the status and trailers the unary call
 * would have ended with, so the retry logic reads both alike. Each request has its own deadline,
 * kept here (a timer per request) and sent to the server. When the call ends (the connection
 * broke, the server went away, {@link #close}) every request still unanswered fails with the
 * call's status, and {@code onEnd} tells the owner to open a new call for later requests.
 * {@link #halfClose} ends it gently: the server ends the call once it has answered them.
 *
 * <p>Bounded: requests in flight are bounded by the caller (the client's in-flight cap, the bench's
 * slots); the server caps them per call as well and answers beyond it with QUEUE_FULL.
 *
 * <p>Threads: {@link #send} from any thread (sends are serialised: gRPC's observer is not
 * thread-safe); answers and call events run on the channel's executor, timeouts on
 * {@code timers}. Each request is removed from the pending map exactly once, by its answer, its
 * timeout or the end of the call, and whoever removes it completes its observer.
 */
public final class KvStream {
  private final ScheduledExecutorService timers;
  private final Runnable onEnd;
  private final ClientCall<StreamRequest, StreamResponse> call;
  private final StreamObserver<StreamRequest> requests;
  private final ConcurrentHashMap<Long, Pending<?>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextId = new AtomicLong();
  private final Object sendLock = new Object();
  private volatile Throwable ended;
  /** Set by {@link #close}: the call's CANCELLED end is then ours. */
  private volatile boolean closing;

  /** Opens the call; {@code onEnd} runs once, when it ends. */
  public KvStream(ManagedChannel channel, ScheduledExecutorService timers, Runnable onEnd) {
    this.timers = timers;
    this.onEnd = onEnd;
    this.call = channel.newCall(KVGrpc.getStreamMethod(), CallOptions.DEFAULT);
    this.requests = ClientCalls.asyncBidiStreamingCall(call, new Answers());
  }

  /** Whether {@code method} is one of the four requests a Stream call carries. */
  public static boolean carries(MethodDescriptor<?, ?> method) {
    return kindOf(method) != null;
  }

  /** Whether the call has ended; a new request then needs a new KvStream. */
  public boolean isEnded() {
    return ended != null;
  }

  /**
   * Sends one request with {@code timeoutNanos} to answer it; {@code observer} gets the answer as
   * from a unary call of {@code method}.
   *
   * @throws IllegalArgumentException if the stream does not carry {@code method}
   */
  public <Q, R> void send(MethodDescriptor<Q, R> method, Q request, long timeoutNanos, StreamObserver<R> observer) {
    StreamResponse.ResponseCase kind = kindOf(method);
    if (kind == null) {
      throw new IllegalArgumentException("a KV stream does not carry " + method.getFullMethodName());
    }
    long id = nextId.incrementAndGet();
    Pending<R> waiting = new Pending<>(kind, observer);
    pending.put(id, waiting);
    Throwable endedBy = ended;
    if (endedBy != null) {
      failLater(id, endedBy); // ended between the caller's check and now
      return;
    }
    try {
      waiting.timer = timers.schedule(() -> expire(id, timeoutNanos), timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      failLater(id, Status.CANCELLED.withDescription("client is closed").asRuntimeException());
      return;
    }
    StreamRequest message = wrap(id, request, timeoutNanos);
    try {
      synchronized (sendLock) {
        requests.onNext(message);
      }
    } catch (RuntimeException e) {
      // The call was cancelled or failed under us; its end fails the others.
      failLater(id, Status.UNAVAILABLE.withDescription("KV stream failed: " + e).withCause(e).asRuntimeException());
    }
  }

  /**
   * Fails a request from a timer thread rather than the sender's stack: as with a unary call, an
   * observer is not called back inside {@link #send} (a retry from there would recurse). Only once
   * the timers are shut down (the client is closing, nothing retries) does it fail it in place.
   */
  private void failLater(long id, Throwable error) {
    try {
      timers.execute(() -> fail(id, error));
    } catch (RejectedExecutionException closed) {
      fail(id, error);
    }
  }

  /** Requests sent and not yet answered, failed or timed out. */
  public int inFlight() {
    return pending.size();
  }

  /** Sends no more requests: the server ends the call once it has answered those in flight. */
  public void halfClose() {
    try {
      synchronized (sendLock) {
        requests.onCompleted();
      }
    } catch (RuntimeException e) {
      // Already cancelled or failed: nothing left to close, and its end has failed the requests.
    }
  }

  /** Cancels the call; requests in flight fail with CANCELLED. */
  public void close() {
    closing = true;
    call.cancel("client closed", null);
  }

  /**
   * The end of the call, as its requests should see it. A call the server or the connection
   * cancelled (a server shutting down resets its streams: CANCELLED) failed under requests that
   * may or may not have reached it, which is what UNAVAILABLE tells the retry logic, as for a
   * unary call sent to a server that went away; only our own close is a cancel.
   */
  private Throwable asTransportFailure(Throwable error) {
    Status status = Status.fromThrowable(error);
    if (closing || status.getCode() != Status.Code.CANCELLED) {
      return error;
    }
    return Status.UNAVAILABLE.withDescription("KV stream ended: " + status.getDescription()).withCause(error)
        .asRuntimeException();
  }

  private static StreamResponse.ResponseCase kindOf(MethodDescriptor<?, ?> method) {
    String name = method.getFullMethodName();
    if (name.equals(KVGrpc.getPutMethod().getFullMethodName())) {
      return StreamResponse.ResponseCase.PUT;
    } else if (name.equals(KVGrpc.getRangeMethod().getFullMethodName())) {
      return StreamResponse.ResponseCase.RANGE;
    } else if (name.equals(KVGrpc.getDeleteRangeMethod().getFullMethodName())) {
      return StreamResponse.ResponseCase.DELETE_RANGE;
    } else if (name.equals(KVGrpc.getTxnMethod().getFullMethodName())) {
      return StreamResponse.ResponseCase.TXN;
    }
    return null;
  }

  private static StreamRequest wrap(long id, Object request, long timeoutNanos) {
    // Rounded up, so a request with under a millisecond left still has a deadline at the server.
    long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(timeoutNanos + 999_999));
    StreamRequest.Builder message = StreamRequest.newBuilder().setId(id).setTimeoutMillis(timeoutMillis);
    switch (request) {
      case PutRequest put -> message.setPut(put);
      case RangeRequest range -> message.setRange(range);
      case DeleteRangeRequest delete -> message.setDeleteRange(delete);
      case TxnRequest txn -> message.setTxn(txn);
      default -> throw new IllegalArgumentException("not a KV request: " + request.getClass().getName());
    }
    return message.build();
  }

  private void expire(long id, long timeoutNanos) {
    fail(id, Status.DEADLINE_EXCEEDED
        .withDescription("deadline exceeded after " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms on the KV stream")
        .asRuntimeException());
  }

  private void fail(long id, Throwable error) {
    Pending<?> waiting = pending.remove(id);
    if (waiting != null) {
      waiting.fail(error);
    }
  }

  /** A server's StreamError as the StatusRuntimeException the unary call would have ended with. */
  static StatusRuntimeException toStatus(StreamError error) {
    Metadata trailers = new Metadata();
    if (!error.getErrorCode().isEmpty()) {
      trailers.put(Trailers.ERROR_CODE, error.getErrorCode());
    }
    if (error.hasNotLeader()) {
      trailers.put(Trailers.NOT_LEADER, error.getNotLeader());
    }
    Status status = Status.fromCodeValue(error.getStatusCode());
    return (error.getDescription().isEmpty() ? status : status.withDescription(error.getDescription()))
        .asRuntimeException(trailers);
  }

  private static final class Pending<R> {
    private final StreamResponse.ResponseCase kind;
    private final StreamObserver<R> observer;
    /** Set just after the request is registered; an answer racing it may find it null. */
    volatile ScheduledFuture<?> timer;

    Pending(StreamResponse.ResponseCase kind, StreamObserver<R> observer) {
      this.kind = kind;
      this.observer = observer;
    }

    void fail(Throwable error) {
      cancelTimer();
      observer.onError(error);
    }

    void answer(StreamResponse response) {
      cancelTimer();
      if (response.getResponseCase() == StreamResponse.ResponseCase.ERROR) {
        observer.onError(toStatus(response.getError()));
        return;
      }
      if (response.getResponseCase() != kind) {
        observer.onError(Status.INTERNAL.withDescription(
            "server answered a " + kind + " request with " + response.getResponseCase()).asRuntimeException());
        return;
      }
      @SuppressWarnings("unchecked")
      R value = (R) switch (kind) {
        case PUT -> response.getPut();
        case RANGE -> response.getRange();
        case DELETE_RANGE -> response.getDeleteRange();
        case TXN -> response.getTxn();
        case ERROR, RESPONSE_NOT_SET -> throw new AssertionError("invariant violated: a request of kind " + kind);
      };
      observer.onNext(value);
      observer.onCompleted();
    }

    private void cancelTimer() {
      ScheduledFuture<?> scheduled = timer;
      if (scheduled != null) {
        scheduled.cancel(false);
      }
    }
  }

  /** The call's events, on the channel's executor. */
  private final class Answers implements StreamObserver<StreamResponse> {
    @Override
    public void onNext(StreamResponse response) {
      Pending<?> waiting = pending.remove(response.getId());
      if (waiting != null) {
        waiting.answer(response); // else: it timed out, and was answered so already
      }
    }

    @Override
    public void onError(Throwable error) {
      end(error);
    }

    @Override
    public void onCompleted() {
      end(Status.UNAVAILABLE.withDescription("server ended the KV stream").asRuntimeException());
    }

    private void end(Throwable error) {
      Throwable cause = asTransportFailure(error);
      ended = cause;
      onEnd.run();
      for (Long id : pending.keySet()) {
        fail(id, cause);
      }
    }
  }
}
