package io.raftkv.client.load;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The outcome of a bench run. Latencies are in milliseconds, from HdrHistogram records in
 * microseconds (three significant digits); only successful ops count in them.
 *
 * @param ops successful measured ops
 * @param errors failed measured ops by "STATUS" or "STATUS:raftkv-error"
 * @param skipped open loop only: ops due while every slot was busy (the client fell behind)
 * @param clientCpuSeconds CPU time of the whole bench process over the measured window
 * @param clientCpuShare that CPU time over (window * available processors)
 */
public record BenchReport(
    BenchConfig config,
    long ops,
    double durationSeconds,
    double opsPerSec,
    double p50Ms,
    double p90Ms,
    double p99Ms,
    double p999Ms,
    double maxMs,
    double meanMs,
    Map<String, Long> errors,
    long skipped,
    double clientCpuSeconds,
    double clientCpuShare,
    List<SeriesPoint> series) {

  public BenchReport {
    errors = Map.copyOf(errors);
    series = List.copyOf(series);
  }

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The result file's content as a JSON-ready tree; field names are the documented ones. */
  public Map<String, Object> toTree() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("protocol", config.protocol().flag());
    tree.put("calls", config.streams() ? "stream" : "unary");
    tree.put("op", config.op().flag());
    tree.put("inflight", config.inflight());
    tree.put("conns", config.conns());
    tree.put("rate", config.rate());
    tree.put("read_ratio", config.readRatio());
    tree.put("key_size", config.keySize());
    tree.put("value_size", config.valueSize());
    tree.put("keys", config.keys());
    tree.put("targets", config.targets());
    tree.put("warmup_s", config.warmup().toMillis() / 1000.0);
    tree.put("duration_s", durationSeconds);
    tree.put("ops", ops);
    tree.put("ops_per_sec", opsPerSec);
    tree.put("p50_ms", p50Ms);
    tree.put("p90_ms", p90Ms);
    tree.put("p99_ms", p99Ms);
    tree.put("p999_ms", p999Ms);
    tree.put("max_ms", maxMs);
    tree.put("mean_ms", meanMs);
    tree.put("errors", new TreeMap<>(errors));
    tree.put("error_count", errorCount());
    tree.put("skipped", skipped);
    tree.put("client_cpu_seconds", clientCpuSeconds);
    tree.put("client_cpu_share", clientCpuShare);
    tree.put("available_processors", Runtime.getRuntime().availableProcessors());
    List<Object> points = new ArrayList<>();
    for (SeriesPoint point : series) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("t", point.second());
      entry.put("ops_per_sec", point.opsPerSec());
      entry.put("p50_ms", point.p50Ms());
      entry.put("p99_ms", point.p99Ms());
      entry.put("max_ms", point.maxMs());
      entry.put("errors", point.errors());
      points.add(entry);
    }
    tree.put("series", points);
    return tree;
  }

  /** The end-of-run summary, several lines. */
  public String summary() {
    StringBuilder text = new StringBuilder();
    text.append(String.format("op %s over %s (%s calls), %s, %d connections%n", config.op().flag(),
        config.protocol().flag(), config.streams() ? "stream" : "unary",
        config.openLoop() ? String.format("open loop at %.0f ops/s (at most %d in flight)", config.rate(), config.inflight())
            : config.inflight() + " in flight",
        config.conns()));
    text.append(String.format("ops:       %d in %.2fs%n", ops, durationSeconds));
    text.append(String.format("ops/s:     %.1f%n", opsPerSec));
    text.append(String.format("latency:   p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.3f ms%n",
        p50Ms, p90Ms, p99Ms, p999Ms, maxMs));
    text.append("errors:    ").append(errors.isEmpty() ? "none" : new TreeMap<>(errors).toString()).append('\n');
    if (config.openLoop()) {
      text.append(String.format("skipped:   %d (all %d slots busy)%n", skipped, config.inflight()));
    }
    text.append(String.format("client cpu: %.2f s (%.1f%% of %d cores)%n",
        clientCpuSeconds, clientCpuShare * 100, Runtime.getRuntime().availableProcessors()));
    return text.toString();
  }
}
