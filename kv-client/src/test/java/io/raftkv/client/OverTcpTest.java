package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.cli.Kvctl;
import io.raftkv.client.fake.FakeCluster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The library, kvctl and the bench over the real Netty transport and loopback TCP. */
class OverTcpTest {
  private FakeCluster cluster;

  @BeforeEach
  void startCluster() {
    cluster = FakeCluster.startTcp(3);
    cluster.setLeader(3);
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  @Test
  void clientFindsTheLeaderAndSurvivesAStoppedMember() {
    try (RaftKvClient client = RaftKvClient.builder()
        .endpoints(cluster.endpoints().split(","))
        .requestTimeout(Duration.ofSeconds(5))
        .build()) {
      client.kv().sync().put("k", "v");
      assertEquals(cluster.node(3).address(), client.preferredEndpoint());
      cluster.node(3).stop();
      cluster.setLeader(2);
      client.kv().sync().put("k", "v2");
      assertEquals(cluster.node(2).address(), client.preferredEndpoint());
      assertEquals("v2", client.kv().sync().get("k").first().orElseThrow().valueUtf8());
    }
  }

  @Test
  void benchRunsOverTcpWithoutErrors() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = new Kvctl().run(
        new String[] {"--endpoints", cluster.endpoints(), "bench", "--op", "mixed", "--ops", "3000", "--warmup", "0s",
            "--inflight", "16", "--conns", "2"},
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String summary = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    assertTrue(summary.contains("ops:       3000 in "), summary);
    assertTrue(summary.contains("errors:    none"), summary);
  }
}
