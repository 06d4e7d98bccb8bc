package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.proto.api.StreamError;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client side of a KV Stream call, against a server that answers when the test says. */
class KvStreamTest {
  /** A KV service whose Stream calls keep their requests until the test answers them. */
  private static final class HeldStreams extends KVGrpc.KVImplBase {
    final List<StreamRequest> received = new CopyOnWriteArrayList<>();
    final List<StreamObserver<StreamResponse>> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger halfClosed = new AtomicInteger();
    final java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);

    @Override
    public StreamObserver<StreamRequest> stream(StreamObserver<StreamResponse> out) {
      opened.incrementAndGet();
      calls.add(out);
      return new StreamObserver<>() {
        @Override
        public void onNext(StreamRequest request) {
          received.add(request);
        }

        @Override
        public void onError(Throwable t) {
          cancelled.countDown();
        }

        @Override
        public void onCompleted() {
          halfClosed.incrementAndGet(); // the test answers what is in flight, then may end the call
        }
      };
    }

    StreamObserver<StreamResponse> lastCall() {
      return calls.get(calls.size() - 1);
    }
  }

  /** A unary-call observer's outcome. */
  private static final class Outcome<T> implements StreamObserver<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    private T value;

    @Override
    public void onNext(T v) {
      value = v;
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
      result.complete(value);
    }

    Throwable error() throws Exception {
      try {
        result.get(5, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        return e.getCause();
      }
      throw new AssertionError("expected a failure, got " + value);
    }
  }

  private final HeldStreams service = new HeldStreams();
  private final ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor().addService(service).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    timers.shutdownNow();
  }

  private static PutRequest put(String key) {
    return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build();
  }

  private void awaitReceived(int count) throws InterruptedException {
    for (int i = 0; i < 500 && service.received.size() < count; i++) {
      Thread.sleep(10);
    }
    assertEquals(count, service.received.size());
  }

  @Test
  void eachAnswerGoesToItsOwnRequestWhateverTheOrder() throws Exception {
    KvStream stream = new KvStream(channel, timers, () -> { });
    Outcome<PutResponse> first = new Outcome<>();
    Outcome<PutResponse> second = new Outcome<>();
    stream.send(KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), first);
    stream.send(KVGrpc.getPutMethod(), put("b"), TimeUnit.SECONDS.toNanos(5), second);
    awaitReceived(2);
    assertEquals("b", service.received.get(1).getPut().getKey().toStringUtf8());
    assertTrue(service.received.get(0).getTimeoutMillis() > 4000, "the deadline travels with the request");

    for (int i : new int[] {1, 0}) {
      service.lastCall().onNext(StreamResponse.newBuilder().setId(service.received.get(i).getId())
          .setPut(PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(10 + i))).build());
    }
    assertEquals(10, first.result.get(5, TimeUnit.SECONDS).getHeader().getRevision());
    assertEquals(11, second.result.get(5, TimeUnit.SECONDS).getHeader().getRevision());
  }

  @Test
  void aRequestNobodyAnswersFailsWithDeadlineExceededAtItsDeadline() throws Exception {
    KvStream stream = new KvStream(channel, timers, () -> { });
    Outcome<PutResponse> outcome = new Outcome<>();
    long start = System.nanoTime();
    stream.send(KVGrpc.getPutMethod(), put("a"), TimeUnit.MILLISECONDS.toNanos(200), outcome);

    Throwable error = outcome.error();
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(Status.Code.DEADLINE_EXCEEDED, Status.fromThrowable(error).getCode());
    assertTrue(tookMillis >= 190 && tookMillis < 3000, "failed after " + tookMillis + " ms");
    assertFalse(Failure.of("e", error).serverReached(), "no answer is a transport failure, as for a unary call");
  }

  @Test
  void aStreamErrorComesBackAsTheUnaryStatusWithItsTrailers() throws Exception {
    KvStream stream = new KvStream(channel, timers, () -> { });
    Outcome<PutResponse> outcome = new Outcome<>();
    stream.send(KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), outcome);
    awaitReceived(1);
    service.lastCall().onNext(StreamResponse.newBuilder().setId(service.received.get(0).getId())
        .setError(StreamError.newBuilder().setStatusCode(Status.Code.FAILED_PRECONDITION.value())
            .setDescription("node 1 is not the leader").setErrorCode("NOT_LEADER")
            .setNotLeader(NotLeader.newBuilder().setLeaderId(2).setLeaderAddress("10.77.0.2:2379")))
        .build());

    Failure failure = Failure.of("e", outcome.error());
    assertEquals(Status.Code.FAILED_PRECONDITION, failure.status());
    assertEquals(ErrorCode.NOT_LEADER, failure.code());
    assertEquals("10.77.0.2:2379", failure.leaderAddress());
    assertTrue(failure.serverReached());
    assertTrue(failure.message().contains("node 1 is not the leader"), failure.message());
  }

  @Test
  void anAnswerOfAnotherKindIsAnInternalError() throws Exception {
    KvStream stream = new KvStream(channel, timers, () -> { });
    Outcome<PutResponse> outcome = new Outcome<>();
    stream.send(KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), outcome);
    awaitReceived(1);
    service.lastCall().onNext(StreamResponse.newBuilder().setId(service.received.get(0).getId())
        .setRange(RangeResponse.getDefaultInstance()).build());
    assertEquals(Status.Code.INTERNAL, Status.fromThrowable(outcome.error()).getCode());
  }

  @Test
  void aBrokenStreamFailsEveryRequestInFlightAndTheNextRequestOpensANewOne() throws Exception {
    KvStreams streams = new KvStreams(timers);
    Outcome<PutResponse> first = new Outcome<>();
    Outcome<PutResponse> second = new Outcome<>();
    streams.send(channel, KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), first);
    streams.send(channel, KVGrpc.getPutMethod(), put("b"), TimeUnit.SECONDS.toNanos(5), second);
    awaitReceived(2);
    assertEquals(1, service.opened.get(), "both requests share one call");

    service.lastCall().onError(Status.UNAVAILABLE.withDescription("server going away").asRuntimeException());
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(first.error()).getCode());
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(second.error()).getCode());

    Outcome<PutResponse> third = new Outcome<>();
    streams.send(channel, KVGrpc.getPutMethod(), put("c"), TimeUnit.SECONDS.toNanos(5), third);
    awaitReceived(3);
    assertEquals(2, service.opened.get(), "a new call for the next request");
    service.lastCall().onNext(StreamResponse.newBuilder().setId(service.received.get(2).getId())
        .setPut(PutResponse.getDefaultInstance()).build());
    assertNotNull(third.result.get(5, TimeUnit.SECONDS));
  }

  @Test
  void drainingEndsTheStreamsOnceTheirRequestsAreAnsweredAndRefusesNewOnes() throws Exception {
    KvStreams streams = new KvStreams(timers);
    Outcome<PutResponse> first = new Outcome<>();
    streams.send(channel, KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), first);
    awaitReceived(1);
    streams.drain();
    assertEquals(1, service.halfClosed.get(), "the call was half-closed");
    Outcome<PutResponse> late = new Outcome<>();
    streams.send(channel, KVGrpc.getPutMethod(), put("b"), TimeUnit.SECONDS.toNanos(5), late);
    assertEquals(Status.Code.CANCELLED, Status.fromThrowable(late.error()).getCode());
    // The in-flight request is still answered after the half-close.
    service.lastCall().onNext(StreamResponse.newBuilder().setId(service.received.get(0).getId())
        .setPut(PutResponse.getDefaultInstance()).build());
    assertNotNull(first.result.get(5, TimeUnit.SECONDS));
  }

  @Test
  void aStreamTheServerCancelsFailsItsRequestsAsUnavailableSoTheyAreRetried() throws Exception {
    KvStream stream = new KvStream(channel, timers, () -> { });
    Outcome<PutResponse> outcome = new Outcome<>();
    stream.send(KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), outcome);
    awaitReceived(1);
    // What a server shutting down does to its open streams.
    service.lastCall().onError(Status.CANCELLED.withDescription("server shutting down").asRuntimeException());

    Throwable error = outcome.error();
    assertEquals(Status.Code.UNAVAILABLE, Status.fromThrowable(error).getCode());
    assertEquals(RetryDecision.ROTATE, RetryDecision.decide(Failure.of("e", error), Idempotence.SAFE_TO_RETRY));
    assertTrue(stream.isEnded());
  }

  @Test
  void drainingCancelsAnIdleStreamAtOnce() throws Exception {
    KvStreams streams = new KvStreams(timers);
    Outcome<PutResponse> first = new Outcome<>();
    streams.send(channel, KVGrpc.getPutMethod(), put("a"), TimeUnit.SECONDS.toNanos(5), first);
    awaitReceived(1);
    service.lastCall().onNext(StreamResponse.newBuilder().setId(service.received.get(0).getId())
        .setPut(PutResponse.getDefaultInstance()).build());
    assertNotNull(first.result.get(5, TimeUnit.SECONDS));
    streams.drain();
    assertEquals(0, service.halfClosed.get(), "nothing in flight: cancelled, not half-closed");
    assertTrue(service.cancelled.await(5, TimeUnit.SECONDS), "the server saw the call cancelled");
  }
}
