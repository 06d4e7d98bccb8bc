package io.raftkv.client.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.cli.Json;
import io.raftkv.client.cli.Kvctl;
import io.raftkv.proto.etcd.RangeRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench over {@code --protocol etcd}: etcd's Put and Range through the same runner and report. */
class BenchProtocolTest {
  private static final int OPS = 300;

  @TempDir Path directory;
  private FakeEtcd etcd;
  private String stderr;

  @BeforeEach
  void startEtcd() {
    etcd = FakeEtcd.start();
  }

  @AfterEach
  void stopEtcd() throws InterruptedException {
    etcd.close();
  }

  private BenchConfig config(BenchProtocol protocol, BenchOp op) {
    return new BenchConfig(protocol, List.of(etcd.endpoint()), op, 8, 1, 0, 0.5, 16, 100, 1000,
        null, OPS, Duration.ZERO, Duration.ofSeconds(5), 1, false);
  }

  private BenchReport run(BenchOp op) throws InterruptedException {
    PrintStream progress = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    return new BenchRunner(config(BenchProtocol.ETCD, op), FakeEtcd.channelFactory(), progress).run();
  }

  @Test
  void etcdPutsAreSentAsEtcdKvPutWithoutARequestIdAndCounted() throws InterruptedException {
    BenchReport report = run(BenchOp.PUT);

    assertEquals(OPS, etcd.puts());
    assertEquals(0, etcd.putsWithUnknownFields(), "etcd has no sessions: no raftkv request id on its puts");
    assertEquals(0, etcd.serializableRanges() + etcd.linearizableRanges());
    assertEquals(OPS, report.ops());
    assertEquals(Map.of(), report.errors());
    assertEquals("etcd", report.toTree().get("protocol"));
  }

  @Test
  void etcdSerializableGetsAreSentAsRangeWithTheSerializableFlag() throws InterruptedException {
    BenchReport report = run(BenchOp.GET_SERIALIZABLE);

    assertEquals(OPS, etcd.serializableRanges());
    assertEquals(0, etcd.linearizableRanges());
    assertEquals(0, etcd.puts());
    assertEquals(OPS, report.ops());
    assertEquals(0, report.errorCount());
  }

  @Test
  void etcdLinearizableGetsAreSentAsRangeWithoutTheSerializableFlag() throws InterruptedException {
    BenchReport report = run(BenchOp.GET);

    assertEquals(OPS, etcd.linearizableRanges());
    assertEquals(0, etcd.serializableRanges());
    assertEquals(OPS, report.ops());
    assertEquals(0, report.errorCount());
  }

  /** raftkv's kv.proto numbers it 5; only etcd's 7 reaches etcd's flag. */
  @Test
  void etcdSerializableFlagIsFieldSevenOnTheWireAsInEtcd() {
    byte[] wire = RangeRequest.newBuilder().setSerializable(true).build().toByteArray();

    assertArrayEquals(new byte[] {7 << 3 /* field 7, varint */, 1}, wire);
  }

  @Test
  void txnCasOverEtcdIsRefusedWhenTheConfigIsBuilt() {
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> config(BenchProtocol.ETCD, BenchOp.TXN_CAS));

    assertEquals("--op txn-cas is not supported with --protocol etcd "
        + "(it sends only Put and Range: use put, get, get-serializable or mixed)", refused.getMessage());
  }

  @Test
  void raftkvAcceptsEveryOpAndAnUnknownProtocolIsRefused() {
    for (BenchOp op : BenchOp.values()) {
      assertEquals(BenchProtocol.RAFTKV, config(BenchProtocol.RAFTKV, op).protocol());
    }
    assertEquals(BenchProtocol.ETCD, BenchProtocol.parse(" Etcd "));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> BenchProtocol.parse("zookeeper"));
    assertEquals("--protocol must be raftkv or etcd, got 'zookeeper'", refused.getMessage());
  }

  private int kvctl(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new Kvctl(FakeEtcd.channelFactory()).run(args, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    stderr = err.toString(StandardCharsets.UTF_8);
    return exit;
  }

  @Test
  void benchCommandRefusesTxnCasOverEtcdAsAUsageError() {
    int exit = kvctl("--endpoints", etcd.endpoint(), "bench", "--protocol", "etcd", "--op", "txn-cas",
        "--target", "first", "--ops", "1", "--warmup", "0s");

    assertEquals(2, exit);
    assertTrue(stderr.contains("--op txn-cas is not supported with --protocol etcd"), stderr);
    assertEquals(0, etcd.puts());
  }

  @Test
  void benchCommandOverEtcdRefusesTargetLeaderAndNamesTheAlternatives() {
    int exit = kvctl("--endpoints", etcd.endpoint(), "bench", "--protocol", "etcd", "--op", "put", "--ops", "1",
        "--warmup", "0s");

    assertEquals(2, exit);
    assertTrue(stderr.contains("--target leader finds the leader through raftkv's endpoint status"), stderr);
    assertTrue(stderr.contains("--target first"), stderr);
  }

  @Test
  void benchCommandOverEtcdSendsToTheFirstEndpointAndRecordsTheProtocol() throws IOException {
    Path out = directory.resolve("etcd-put.json");
    int exit = kvctl("--endpoints", etcd.endpoint() + ",127.0.0.1:1", "bench", "--protocol", "etcd", "--op", "put",
        "--target", "first", "--ops", "100", "--inflight", "4", "--warmup", "0s", "--out", out.toString());

    assertEquals(0, exit, stderr);
    assertEquals(100, etcd.puts());
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) Json.parse(Files.readString(out));
    assertEquals("etcd", result.get("protocol"));
    assertEquals(List.of(etcd.endpoint()), result.get("targets"));
    assertEquals(100L, result.get("ops"));
    assertEquals(0L, result.get("error_count"));
  }
}
