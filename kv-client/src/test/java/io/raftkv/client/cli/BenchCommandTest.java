package io.raftkv.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.fake.FakeCluster;
import io.raftkv.client.load.BenchRunner;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {
  private static final Set<String> REQUIRED_FIELDS = Set.of(
      "op", "inflight", "conns", "ops_per_sec", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "errors",
      "client_cpu_seconds", "client_cpu_share", "duration_s", "series");

  @TempDir Path directory;
  private FakeCluster cluster;
  private String stdout;
  private String stderr;

  @BeforeEach
  void startCluster() {
    cluster = FakeCluster.start(3);
    cluster.setLeader(2);
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  private int bench(String... args) {
    String[] all = new String[args.length + 4];
    all[0] = "--endpoints";
    all[1] = cluster.endpoints();
    all[2] = "bench";
    all[3] = "--warmup=0s";
    System.arraycopy(args, 0, all, 4, args.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new Kvctl(FakeCluster.channelFactory()).run(all, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    stdout = out.toString(StandardCharsets.UTF_8);
    stderr = err.toString(StandardCharsets.UTF_8);
    return exit;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> read(Path file) throws IOException {
    return (Map<String, Object>) Json.parse(Files.readString(file));
  }

  @Test
  void closedLoopPutsWriteAResultFileWithTheDocumentedShape() throws IOException {
    Path out = directory.resolve("put.json");
    int exit = bench("--op", "put", "--ops", "500", "--inflight", "8", "--conns", "2", "--keys", "50", "--out", out.toString());

    assertEquals(0, exit, stderr);
    Map<String, Object> result = read(out);
    assertTrue(result.keySet().containsAll(REQUIRED_FIELDS), "missing fields in " + result.keySet());
    assertEquals("put", result.get("op"));
    assertEquals(8L, result.get("inflight"));
    assertEquals(2L, result.get("conns"));
    assertEquals(500L, result.get("ops"));
    assertEquals(Map.of(), result.get("errors"));
    assertEquals(List.of(cluster.node(2).address()), result.get("targets"), "writes must go to the leader");
    assertTrue(((Number) result.get("ops_per_sec")).doubleValue() > 0);
    assertTrue(((Number) result.get("p99_ms")).doubleValue() <= ((Number) result.get("max_ms")).doubleValue());
    assertInstanceOf(List.class, result.get("series"));
    assertEquals(500, cluster.writesApplied());
    assertTrue(stdout.contains("ops/s:"), stdout);
    assertTrue(stdout.contains("client cpu:"), stdout);
  }

  @Test
  void theBenchSendsOverOneStreamPerConnectionUnlessUnaryAndTheResultSaysWhich() throws IOException {
    Path streamed = directory.resolve("stream.json");
    assertEquals(0, bench("--op", "put", "--ops", "200", "--inflight", "4", "--conns", "2", "--out", streamed.toString()),
        stderr);
    assertEquals("stream", read(streamed).get("calls"));
    assertEquals(2, cluster.node(2).streamsOpened(), "one stream per connection");
    assertEquals(200, cluster.node(2).calls().stream().filter("Put"::equals).count());

    Path unary = directory.resolve("unary.json");
    assertEquals(0, bench("--op", "put", "--ops", "200", "--unary", "--out", unary.toString()), stderr);
    assertEquals("unary", read(unary).get("calls"));
    assertEquals(2, cluster.node(2).streamsOpened(), "no stream for unary calls");
    assertEquals(400, cluster.node(2).calls().stream().filter("Put"::equals).count());
  }

  /** Handlers on other threads, so that the slots' requests really overlap, as on a real server. */
  private void useConcurrentCluster() {
    cluster.close();
    cluster = FakeCluster.startConcurrent(3, 4);
    cluster.setLeader(2);
  }

  @Test
  void eachBenchSlotWritesUnderItsOwnClientIdWithItsOwnSequence() {
    useConcurrentCluster();
    int exit = bench("--op", "txn-cas", "--ops", "50", "--inflight", "2", "--conns", "1");

    assertEquals(0, exit, stderr);
    var ids = cluster.node(2).requestIds();
    assertEquals(50, ids.size());
    Map<Long, List<Long>> sequencesByClient = new HashMap<>();
    for (var id : ids) {
      sequencesByClient.computeIfAbsent(id.getClientId(), client -> new ArrayList<>()).add(id.getSequence());
    }
    assertEquals(2, sequencesByClient.size(), "one client id per slot: " + sequencesByClient.keySet());
    assertTrue(sequencesByClient.keySet().stream().allMatch(client -> client != 0));
    for (List<Long> sequences : sequencesByClient.values()) {
      // One op in flight per slot, so the server sees each slot's sequences in order, from 1.
      assertEquals(LongStream.rangeClosed(1, sequences.size()).boxed().toList(), sequences);
    }
  }

  /** The fake refuses out-of-order sequences per client id as the server does (STALE_SEQUENCE). */
  @Test
  void pipelinedPutsNeverReachTheServerOutOfOrder() throws IOException {
    useConcurrentCluster();
    Path out = directory.resolve("pipelined.json");
    int exit = bench("--op", "put", "--ops", "2000", "--inflight", "16", "--conns", "4", "--out", out.toString());

    assertEquals(0, exit, stderr);
    Map<String, Object> result = read(out);
    assertEquals(Map.of(), result.get("errors"));
    assertEquals(0L, result.get("error_count"));
    assertEquals(2000L, result.get("ops"));
    assertEquals(16, cluster.node(2).requestIds().stream().map(id -> id.getClientId()).distinct().count());
  }

  @Test
  void errorsAreCountedByStatusAndCode() throws IOException {
    cluster.setLeader(0);
    Path out = directory.resolve("errors.json");
    int exit = bench("--op", "put", "--ops", "20", "--inflight", "2", "--out", out.toString());

    assertEquals(1, exit);
    assertEquals(Map.of("UNAVAILABLE:NO_LEADER", 20L), read(out).get("errors"));
    assertTrue(stderr.contains("Error: every op failed"), stderr);
  }

  @Test
  void aSlotWhoseOpFailedPausesBeforeItsNextInsteadOfSpinning() throws IOException {
    cluster.setLeader(0);
    Path out = directory.resolve("pause.json");
    int exit = bench("--op", "put", "--duration", "1s", "--inflight", "2", "--out", out.toString());

    assertEquals(1, exit);
    long errors = ((Number) ((Map<?, ?>) read(out).get("errors")).get("UNAVAILABLE:NO_LEADER")).longValue();
    // 2 slots, 1 s, 10 ms apart: about 200. Without the pause the fake answers tens of thousands.
    long most = 2 * (TimeUnit.SECONDS.toNanos(1) / BenchRunner.ERROR_PAUSE_NANOS + 1);
    assertTrue(errors > 0 && errors <= most, errors + " errors in 1 s from 2 slots; at most " + most + " expected");
  }

  @Test
  void aBenchWithNoEndpointReachableFailsAtOnceNamingEachEndpointsError() {
    cluster.close();
    long start = System.nanoTime();
    int exit = bench("--op", "put", "--duration", "5s");

    assertEquals(1, exit);
    assertTrue(stderr.contains("bench: no endpoint reachable ("), stderr);
    for (String endpoint : cluster.endpoints().split(",")) {
      assertTrue(stderr.contains(endpoint + ": "), stderr);
    }
    assertFalse(stderr.contains("\tat "), "a stack trace: " + stderr);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the bench ran instead of failing at once");
  }

  @Test
  void openLoopRunsAtTheRequestedRateWithASeriesPerSecond() throws IOException {
    Path out = directory.resolve("open.json");
    Path html = directory.resolve("chart.html");
    int exit = bench("--op", "mixed", "--read-ratio", "0.5", "--rate", "400", "--duration", "2s", "--inflight", "16",
        "--out", out.toString(), "--html", html.toString());

    assertEquals(0, exit, stderr);
    Map<String, Object> result = read(out);
    double ops = ((Number) result.get("ops")).doubleValue();
    assertTrue(ops > 500 && ops < 1000, "ops " + ops);
    assertTrue(((List<?>) result.get("series")).size() >= 1);
    assertTrue(Files.readString(html).contains("<svg"));
    assertTrue(stderr.contains("ops/s"), stderr);
  }

  @Test
  void compareReportsRatiosAgainstAnEarlierRun() throws IOException {
    Path old = directory.resolve("old.json");
    Files.writeString(old, "{\"ops_per_sec\": 1.0, \"p99_ms\": 1000.0}");
    Path out = directory.resolve("new.json");
    int exit = bench("--op", "get-serializable", "--ops", "100", "--inflight", "4", "--compare", old.toString(),
        "--out", out.toString());

    assertEquals(0, exit, stderr);
    assertTrue(stdout.contains("compared with " + old + ": ops/s x"), stdout);
    @SuppressWarnings("unchecked")
    Map<String, Object> compare = (Map<String, Object>) read(out).get("compare");
    assertTrue(((Number) compare.get("ops_per_sec_ratio")).doubleValue() > 1);
    assertTrue(((Number) compare.get("p99_ms_ratio")).doubleValue() < 1);
  }

  @Test
  void rowsRunOneAfterAnotherInOneProcessWritingAFileEach() throws IOException {
    Path dir = directory.resolve("rows");
    int exit = bench("--rows", "put:4,get:8,get-serializable:2", "--ops", "200", "--keys", "50", "--out-dir", dir.toString());

    assertEquals(0, exit, stderr);
    Map<String, Object> puts = read(dir.resolve("put-4.json"));
    Map<String, Object> gets = read(dir.resolve("get-8.json"));
    Map<String, Object> serializable = read(dir.resolve("get-serializable-2.json"));
    assertEquals(List.of("put", 4L, 200L), List.of(puts.get("op"), puts.get("inflight"), puts.get("ops")));
    assertEquals(List.of("get", 8L, 200L), List.of(gets.get("op"), gets.get("inflight"), gets.get("ops")));
    assertEquals("get-serializable", serializable.get("op"));
    assertTrue(gets.keySet().containsAll(REQUIRED_FIELDS), "missing fields in " + gets.keySet());
    assertEquals(200, cluster.writesApplied(), "only the put row writes");
  }

  @Test
  void rowsAreCheckedBeforeAnyRuns() {
    Path dir = directory.resolve("rows");
    assertEquals(2, bench("--rows", "put:4,get", "--ops", "10", "--out-dir", dir.toString()));
    assertEquals(2, bench("--rows", "put:0", "--ops", "10", "--out-dir", dir.toString()));
    assertEquals(2, bench("--rows", "put:4,scan:2", "--ops", "10", "--out-dir", dir.toString()));
    assertEquals(2, bench("--rows", "put:4", "--ops", "10"), "no --out-dir");
    assertEquals(2, bench("--op", "put", "--ops", "10", "--out-dir", dir.toString()), "--out-dir without --rows");
    assertEquals(0, cluster.writesApplied());
  }

  @Test
  void badFlagsAreUsageErrors() {
    assertEquals(2, bench("--op", "scan", "--ops", "1"));
    assertEquals(2, bench("--op", "put", "--ops", "1", "--duration", "1s"));
    assertEquals(2, bench("--op", "put", "--ops", "1", "--target", "all"));
    assertEquals(2, bench("--op", "put", "--ops", "1", "--keys", "1000", "--key-size", "3"));
  }
}
