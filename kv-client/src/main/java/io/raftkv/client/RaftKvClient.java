package io.raftkv.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A client for a raftkv cluster:
 *
 * <pre>{@code
 * try (RaftKvClient client = RaftKvClient.builder()
 *     .endpoints("127.0.0.1:21379", "127.0.0.1:22379", "127.0.0.1:23379")
 *     .requestTimeout(Duration.ofSeconds(5))
 *     .build()) {
 *   client.kv().sync().put("k", "v");
 *   Optional<KeyValue> kv = client.kv().sync().get("k").first();
 * }
 * }</pre>
 *
 * <p><b>Leader discovery.</b> The client sends every request to the member it believes leads,
 * starting with the first endpoint. A follower refusing a write names the leader (NOT_LEADER);
 * the client goes there, even if that address was not configured. On UNAVAILABLE, a refused
 * connection or a timeout it moves to the next endpoint, so it never stays with a member cut off
 * by a partition.
 *
 * <p><b>Retries and deadlines.</b> Each request has one overall deadline (the request timeout).
 * Retryable failures (no leader, leader changed, queue full, unreachable member) are retried with
 * jittered exponential backoff, each attempt getting the time that remains; when the deadline
 * passes the request fails with {@link TimeoutException}, saying what it last saw.
 *
 * <p><b>Exactly-once writes.</b> Every write (put, delete, txn) carries a request id, a client id
 * and a sequence number; a retry re-sends the same pair, so the server applies the write once and
 * answers a retry with the first result. The server allows one outstanding write per client id,
 * so the client writes through session slots: one per write in flight, each with its own client
 * id (derived from a random base id, {@link #clientId()}) and its own sequence 1, 2, 3, ... A
 * client writing from one thread uses a single slot under the base id. Each slot used is a
 * session on the server, forgotten after it has been idle for the server's session TTL (10
 * minutes by default); the slot's next write then opens a new session, which is harmless because
 * nothing from before is retried any more. Membership changes and leader transfer carry no
 * request id: they are retried only when the failure proves they were not applied.
 *
 * <p><b>Threads.</b> Thread-safe; share one client. Futures complete on the client's callback
 * threads (two daemon threads by default): do not block in stages attached to them, or use the
 * *Async stage methods with your own executor. The blocking facades ({@code kv().sync()}, ...)
 * wait on the calling thread, at most for the request timeout plus scheduling slack.
 *
 * <p>{@link #close()} lets requests in flight finish for up to the close timeout, then cancels
 * them.
 */
public final class RaftKvClient implements AutoCloseable {
  private final ClientCore core;
  private final KV kv;
  private final Cluster cluster;
  private final Maintenance maintenance;

  private RaftKvClient(Builder builder) {
    this.core = new ClientCore(builder);
    this.kv = new KV(core);
    this.cluster = new Cluster(core);
    this.maintenance = new Maintenance(core);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Reads, writes and transactions. */
  public KV kv() {
    return kv;
  }

  /** Membership: list, add (as learner), promote, remove. */
  public Cluster cluster() {
    return cluster;
  }

  /** Per-member status and leader transfer. */
  public Maintenance maintenance() {
    return maintenance;
  }

  /** The configured endpoints, in order. */
  public List<String> endpoints() {
    return core.router().configured();
  }

  /** The endpoint requests go to now: the leader, once the client has found it. */
  public String preferredEndpoint() {
    return core.router().preferred();
  }

  /**
   * This client's base client id: random (unless fixed by the builder) and non-zero. Its first
   * session slot writes under this id; further slots, used when writes overlap, under ids derived
   * from it ({@link SessionIds#slotClientId}).
   */
  public long clientId() {
    return core.sessions().baseId();
  }

  @Override
  public void close() {
    core.close();
  }

  /** Configures a client; every option has a default except the endpoints. Not thread-safe. */
  public static final class Builder {
    private List<String> endpoints = List.of();
    private Duration requestTimeout = Duration.ofSeconds(5);
    private Duration closeTimeout = Duration.ofSeconds(5);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;
    private ChannelFactory channelFactory = ChannelFactory.plaintext();
    private int callbackThreads = 2;
    private int inflightMax = 4096;
    private boolean streaming = true;
    private int learnedEndpointsMax = 16;
    private int maxInboundMessageBytes = 32 << 20;
    private long clientId;

    private Builder() {}

    /** host:port of one or more members; the client finds the leader among them. Required. */
    public Builder endpoints(String... endpoints) {
      return endpoints(List.of(endpoints));
    }

    public Builder endpoints(List<String> endpoints) {
      List<String> checked = new ArrayList<>();
      for (String endpoint : endpoints) {
        String trimmed = Endpoints.check(Objects.requireNonNull(endpoint, "endpoint").trim());
        if (!checked.contains(trimmed)) {
          checked.add(trimmed);
        }
      }
      this.endpoints = List.copyOf(checked);
      return this;
    }

    /** Overall deadline of each request, retries included. Default 5 s. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /** How long {@link RaftKvClient#close()} lets requests in flight finish. Default 5 s. */
    public Builder closeTimeout(Duration timeout) {
      this.closeTimeout = positive(timeout, "closeTimeout");
      return this;
    }

    /** Backoff and attempt cap; default 25 ms doubling to 500 ms, 64 attempts. */
    public Builder retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How channels are made; default plaintext TCP (see {@link ChannelFactory#plaintext()}). */
    public Builder channelFactory(ChannelFactory factory) {
      this.channelFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /** Threads that run gRPC callbacks and retries. Default 2. */
    public Builder callbackThreads(int threads) {
      this.callbackThreads = inRange(threads, 1, 64, "callbackThreads");
      return this;
    }

    /**
     * Requests in flight at once; beyond it calls fail at once with
     * {@link ResourceExhaustedException}. Also the most write session slots the client creates,
     * and so the most sessions it holds on the server (one per write in flight). Default 4096.
     */
    public Builder inflightMax(int max) {
      this.inflightMax = inRange(max, 1, 1 << 20, "inflightMax");
      return this;
    }

    /**
     * Whether Range, Put, DeleteRange and Txn go over one long-lived KV {@code Stream} call per
     * endpoint, many requests in flight on it, instead of a unary call each (default true). The
     * answers, errors, deadlines and retries are the same either way; a stream saves an HTTP/2
     * stream with its headers and trailers per request on both ends. Other calls are always unary.
     */
    public Builder streaming(boolean streaming) {
      this.streaming = streaming;
      return this;
    }

    /** Leader addresses learned from hints that the client remembers besides the configured ones. */
    public Builder learnedEndpointsMax(int max) {
      this.learnedEndpointsMax = inRange(max, 0, 1024, "learnedEndpointsMax");
      return this;
    }

    /** Largest response accepted (a big range read); default 32 MiB. */
    public Builder maxInboundMessageBytes(int bytes) {
      this.maxInboundMessageBytes = inRange(bytes, 1 << 16, Integer.MAX_VALUE, "maxInboundMessageBytes");
      return this;
    }

    /**
     * Fixes the base client id instead of a random one (tests, reproducible runs); session slots
     * derive their ids from it. Two live clients must never share an id. Nor may a new client
     * reuse the id of one whose sessions the server still remembers (for its session TTL, 10
     * minutes by default): sequences start again at 1, and the server would refuse them as stale.
     */
    public Builder clientId(long id) {
      if (id == 0) {
        throw new IllegalArgumentException("clientId must be non-zero");
      }
      this.clientId = id;
      return this;
    }

    /**
     * Builds the client; no connection is made until the first request.
     *
     * @throws IllegalStateException if no endpoint was given
     */
    public RaftKvClient build() {
      if (endpoints.isEmpty()) {
        throw new IllegalStateException("no endpoints: call endpoints(\"host:port\", ...)");
      }
      return new RaftKvClient(this);
    }

    List<String> endpoints() {
      return endpoints;
    }

    Duration requestTimeout() {
      return requestTimeout;
    }

    Duration closeTimeout() {
      return closeTimeout;
    }

    RetryPolicy retryPolicy() {
      return retryPolicy;
    }

    ChannelFactory channelFactory() {
      return channelFactory;
    }

    int callbackThreads() {
      return callbackThreads;
    }

    int inflightMax() {
      return inflightMax;
    }

    boolean streaming() {
      return streaming;
    }

    int learnedEndpointsMax() {
      return learnedEndpointsMax;
    }

    int maxInboundMessageBytes() {
      return maxInboundMessageBytes;
    }

    /** The fixed base id, or a fresh random one. */
    long clientId() {
      return clientId != 0 ? clientId : SessionIds.randomBaseId();
    }

    private static Duration positive(Duration duration, String name) {
      Objects.requireNonNull(duration, name);
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + duration);
      }
      return duration;
    }

    private static int inRange(int value, int min, int max, String name) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be " + min + ".." + max + ", got " + value);
      }
      return value;
    }
  }
}
