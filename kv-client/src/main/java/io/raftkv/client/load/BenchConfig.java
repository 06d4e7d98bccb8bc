package io.raftkv.client.load;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One bench run, validated when built.
 *
 * @param protocol the API the requests use: raftkv's, or etcd's for a baseline
 * @param targets endpoints the connections go to, round-robin (normally just the leader)
 * @param inflight requests in flight: exactly, in a closed loop; at most, in an open loop
 * @param conns gRPC channels (TCP connections) the requests are spread over
 * @param rate ops per second for an open loop; 0 for a closed loop
 * @param readRatio share of gets in a mixed run, 0..1
 * @param duration measured time; null when {@code ops} bounds the run
 * @param ops measured ops; 0 when {@code duration} bounds the run
 * @param warmup time before measuring starts (connections, JIT, caches)
 * @param requestTimeout deadline of each request; the bench does not retry
 * @param seed seeds the key choice and the values, so a run can be repeated
 * @param unary send each raftkv request as a unary call instead of over one KV {@code Stream}
 *     call per connection; etcd's requests are always unary calls
 */
public record BenchConfig(
    BenchProtocol protocol,
    List<String> targets,
    BenchOp op,
    int inflight,
    int conns,
    double rate,
    double readRatio,
    int keySize,
    int valueSize,
    int keys,
    Duration duration,
    long ops,
    Duration warmup,
    Duration requestTimeout,
    long seed,
    boolean unary) {

  /** Keeps the per-second series (and so the result file) bounded. */
  public static final Duration DURATION_MAX = Duration.ofHours(24);

  public BenchConfig {
    Objects.requireNonNull(protocol, "protocol");
    targets = List.copyOf(targets);
    Objects.requireNonNull(op, "op");
    protocol.requireSupports(op);
    Objects.requireNonNull(warmup, "warmup");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    check(!targets.isEmpty(), "no target endpoints");
    check(inflight >= 1 && inflight <= 100_000, "--inflight must be 1..100000, got " + inflight);
    check(conns >= 1 && conns <= 1024, "--conns must be 1..1024, got " + conns);
    check(rate >= 0 && rate <= 10_000_000, "--rate must be 0..10000000, got " + rate);
    check(readRatio >= 0 && readRatio <= 1, "--read-ratio must be 0..1, got " + readRatio);
    check(keys >= 1 && keys <= 100_000_000, "--keys must be 1..100000000, got " + keys);
    check(keySize >= 1 + digits(keys - 1) && keySize <= 1 << 16,
        "--key-size must be at least " + (1 + digits(keys - 1)) + " to number " + keys + " keys, got " + keySize);
    check(valueSize >= 0 && valueSize <= 64 << 20, "--value-size must be 0..67108864, got " + valueSize);
    check((duration == null) != (ops == 0), "give exactly one of --duration and --ops");
    check(duration == null || (!duration.isNegative() && !duration.isZero() && duration.compareTo(DURATION_MAX) <= 0),
        "--duration must be positive and at most 24h");
    check(ops >= 0, "--ops must be positive, got " + ops);
    check(!warmup.isNegative() && warmup.compareTo(DURATION_MAX) <= 0, "--warmup must be 0..24h");
    check(!requestTimeout.isNegative() && !requestTimeout.isZero(), "the request timeout must be positive");
  }

  /** Whether raftkv's requests go over KV Stream calls (one per connection). */
  public boolean streams() {
    return !unary && protocol == BenchProtocol.RAFTKV;
  }

  /** Whether the run is open loop (a fixed arrival rate) rather than closed loop. */
  public boolean openLoop() {
    return rate > 0;
  }

  private static int digits(long number) {
    return Long.toString(Math.max(0, number)).length();
  }

  private static void check(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
