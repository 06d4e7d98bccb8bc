package io.raftkv.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.client.ErrorCode;
import io.raftkv.client.fake.FakeCluster;
import io.raftkv.client.fake.Fault;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KvctlTest {
  private FakeCluster cluster;

  /** What one kvctl run printed and returned. */
  private record Run(int exit, String out, String err) {}

  @BeforeEach
  void startCluster() {
    cluster = FakeCluster.start(3);
  }

  @AfterEach
  void stopCluster() {
    cluster.close();
  }

  private Run kvctlWithInput(String stdin, String... args) {
    List<String> all = new ArrayList<>(List.of("--endpoints", cluster.endpoints(), "--command-timeout", "2s"));
    all.addAll(List.of(args));
    return run(new Kvctl(FakeCluster.channelFactory()), stdin, all.toArray(String[]::new));
  }

  private Run kvctl(String... args) {
    return kvctlWithInput("", args);
  }

  private static Run run(Kvctl kvctl, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = kvctl.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void assertOneLine(String text) {
    assertEquals(1, text.lines().count(), "expected one line, got: " + text);
    assertFalse(text.contains("\tat "), "stack trace printed: " + text);
  }

  @Test
  void putPrintsOkAndGetPrintsKeyThenValue() {
    assertEquals(new Run(0, "OK\n", ""), kvctl("put", "greeting", "hello"));
    assertEquals(new Run(0, "greeting\nhello\n", ""), kvctl("get", "greeting"));
  }

  @Test
  void putFindsTheLeaderThroughAFollower() {
    cluster.setLeader(3);
    Run run = run(new Kvctl(FakeCluster.channelFactory()), "",
        "--endpoints", cluster.node(1).address(), "put", "k", "v");
    assertEquals(0, run.exit(), run.err());
    assertEquals("v", cluster.value("k"));
  }

  @Test
  void putWithPrevKvPrintsTheReplacedPair() {
    kvctl("put", "k", "old");
    assertEquals("OK\nk\nold\n", kvctl("put", "k", "new", "--prev-kv").out());
  }

  @Test
  void getOfAMissingKeyPrintsNothingAndSucceeds() {
    assertEquals(new Run(0, "", ""), kvctl("get", "nothing-here"));
  }

  @Test
  void getWithPrefixKeysOnlyLimitAndCount() {
    kvctl("put", "a/1", "x");
    kvctl("put", "a/2", "y");
    kvctl("put", "b/1", "z");
    assertEquals("a/1\nx\na/2\ny\n", kvctl("get", "a/", "--prefix").out());
    assertEquals("a/1\na/2\n", kvctl("get", "a/", "--prefix", "--keys-only").out());
    assertEquals("a/1\nx\n", kvctl("get", "a/", "--prefix", "--limit", "1").out());
    assertEquals("3\n", kvctl("get", "", "--prefix", "--count-only").out());
    assertEquals("a/2\ny\nb/1\nz\n", kvctl("get", "a/2", "--from-key").out());
    assertEquals("a/2\ny\n", kvctl("get", "a/2", "b").out());
    assertEquals("b/1\nz\n", kvctl("get", "b/1", "--serializable").out());
  }

  @Test
  void getAsJsonHasEtcdFieldNames() {
    kvctl("put", "k", "v");
    Run run = kvctl("get", "k", "-w", "json");
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) Json.parse(run.out());
    assertEquals(1L, tree.get("count"));
    assertEquals(false, tree.get("more"));
    @SuppressWarnings("unchecked")
    Map<String, Object> kv = ((List<Map<String, Object>>) tree.get("kvs")).get(0);
    assertEquals("k", kv.get("key"));
    assertEquals("v", kv.get("value"));
    assertEquals(1L, kv.get("version"));
    assertEquals(1L, kv.get("create_revision"));
    assertEquals(1L, kv.get("mod_revision"));
  }

  @Test
  void delPrintsTheCountAndThePreviousPairsOnRequest() {
    kvctl("put", "a/1", "x");
    kvctl("put", "a/2", "y");
    assertEquals("1\na/1\nx\n", kvctl("del", "a/1", "--prev-kv").out());
    assertEquals("1\n", kvctl("del", "a/", "--prefix").out());
    assertEquals("0\n", kvctl("del", "a/2").out());
  }

  @Test
  void txnFromFlagsSwapsWhenTheValueMatches() {
    kvctl("put", "k", "old");
    Run swapped = kvctl("txn", "--if-value", "k=old", "--then-put", "k=new", "--else-get", "k");
    Run refused = kvctl("txn", "--if-value", "k=old", "--then-put", "k=newer", "--else-get", "k");
    assertEquals(new Run(0, "SUCCESS\n\nOK\n", ""), swapped);
    assertEquals(new Run(0, "FAILURE\n\nk\nnew\n", ""), refused);
  }

  @Test
  void txnReadsEtcdctlsFormatFromStdin() {
    kvctl("put", "k", "v");
    String script = String.join("\n",
        "value(\"k\") = \"v\"",
        "version(\"k\") > \"0\"",
        "",
        "put k \"v two\"",
        "get k",
        "",
        "del k",
        "");
    Run run = kvctlWithInput(script, "txn");
    assertEquals(new Run(0, "SUCCESS\n\nOK\n\nk\nv two\n", ""), run);
  }

  @Test
  void txnWithAMalformedLineIsAUsageError() {
    Run run = kvctlWithInput("value(k) = v\n", "txn");
    assertEquals(2, run.exit());
    assertTrue(run.err().startsWith("Error: txn line 1: expected a compare"), run.err());
  }

  @Test
  void memberListAddPromoteRemoveInSimpleAndTable() {
    Run list = kvctl("member", "list");
    assertEquals(0, list.exit());
    assertEquals(3, list.out().lines().count());
    assertTrue(list.out().startsWith("1, node1, "), list.out());
    assertTrue(list.out().contains(", voter"), list.out());

    Run added = kvctl("member", "add", "n4:24380", "--client-url", "n4:24379", "--name", "n4");
    assertEquals("Member 4 added as learner (name n4, peer n4:24380, client n4:24379)\n", added.out());
    assertEquals("Member 4 promoted to voter\n", kvctl("member", "promote", "4").out());

    Run table = kvctl("member", "list", "-w", "table");
    assertTrue(table.out().contains("| ID | NAME  | PEER ADDRS"), table.out());
    assertTrue(table.out().contains("| 4  | n4    | n4:24380"), table.out());

    assertEquals("Member 4 removed\n", kvctl("member", "remove", "4").out());
    Run missing = kvctl("member", "remove", "42");
    assertEquals(1, missing.exit());
    assertEquals("Error: member 42 not found\n", missing.err());
  }

  @Test
  void memberListAsJson() {
    @SuppressWarnings("unchecked")
    Map<String, Object> tree = (Map<String, Object>) Json.parse(kvctl("member", "list", "-w", "json").out());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> members = (List<Map<String, Object>>) tree.get("members");
    assertEquals(3, members.size());
    assertEquals(Map.of("id", 2L, "name", "node2", "peer_url", cluster.node(2).address().replace("379", "380"),
        "client_url", cluster.node(2).address(), "is_learner", false), members.get(1));
  }

  @Test
  void endpointStatusTableHasOneRowPerEndpoint() {
    Run run = kvctl("endpoint", "status", "-w", "table");
    assertEquals(0, run.exit(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals("| ENDPOINT" + " ".repeat(cluster.node(1).address().length() - 8)
        + " | ID | ROLE     | TERM | COMMIT | APPLIED | LEADER | DB SIZE |", lines.get(1));
    assertEquals(7, lines.size());
    assertTrue(lines.get(3).contains(" | 1  | leader   | 1    | 10     | 10      | 1      | 0 B     |"), lines.get(3));
    assertTrue(lines.get(4).contains(" | 2  | follower |"), lines.get(4));
  }

  @Test
  void endpointStatusAsJsonAndWithAnUnreachableMember() {
    cluster.node(3).stop();
    Run run = kvctl("endpoint", "status", "-w", "json");
    assertEquals(1, run.exit());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> statuses = (List<Map<String, Object>>) Json.parse(run.out());
    assertEquals(2, statuses.size());
    assertEquals(cluster.node(1).address(), statuses.get(0).get("endpoint"));
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) statuses.get(0).get("status");
    assertEquals("leader", status.get("raft_state"));
    assertEquals(1L, status.get("leader"));
    assertOneLine(run.err());
    assertTrue(run.err().startsWith("Error: " + cluster.node(3).address() + ": "), run.err());
  }

  @Test
  void endpointHealthReportsEachEndpointAndFailsWhenOneIsUnhealthy() {
    Run healthy = kvctl("endpoint", "health");
    assertEquals(0, healthy.exit());
    assertEquals(3, healthy.out().lines().filter(line -> line.contains(" is healthy: took = ")).count());

    cluster.setLeader(0);
    Run unhealthy = kvctl("endpoint", "health");
    assertEquals(1, unhealthy.exit());
    assertTrue(unhealthy.err().contains(cluster.node(1).address() + " is unhealthy: no leader"), unhealthy.err());
    assertTrue(unhealthy.err().endsWith("Error: unhealthy cluster\n"), unhealthy.err());
  }

  @Test
  void leaderTransferMovesLeadership() {
    assertEquals("Leadership transferred to member 3\n", kvctl("leader", "transfer", "3").out());
    assertEquals(3, cluster.nodes().get(0).id() + 2);
    assertTrue(kvctl("endpoint", "status").out().contains(", 3, leader, "));
  }

  @Test
  void emptyKeyFailsWithAClearMessage() {
    Run run = kvctl("put", "", "v");
    assertEquals(new Run(1, "", "Error: key is empty\n"), run);
  }

  @Test
  void serverErrorsPrintTheServersMessageOnOneLine() {
    cluster.node(1).failNext(new Fault(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.DISK_FULL, "disk is nearly full; writes refused", false));
    Run run = kvctl("put", "k", "v");
    assertEquals(new Run(1, "", "Error: disk is nearly full; writes refused\n"), run);
  }

  @Test
  void unknownFlagIsAUsageError() {
    Run run = kvctl("get", "k", "--bogus");
    assertEquals(2, run.exit());
    assertTrue(run.err().startsWith("Error: Unknown option: '--bogus'"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void missingArgumentsAndBadValuesAreUsageErrors() {
    assertEquals(2, kvctl("put", "k").exit());
    assertEquals(2, kvctl("get", "k", "--limit", "-1").exit());
    assertEquals(2, kvctl("get", "k", "-w", "yaml").exit());
    assertEquals(2, kvctl("member", "promote", "abc").exit());
    assertEquals(2, run(new Kvctl(FakeCluster.channelFactory()), "", "--command-timeout", "5", "get", "k").exit());
    assertEquals(2, run(new Kvctl(FakeCluster.channelFactory()), "", "--endpoints", "nohost", "get", "k").exit());
    assertEquals(2, run(new Kvctl(FakeCluster.channelFactory()), "").exit());
  }

  @Test
  void globalOptionsMayFollowTheSubcommand() {
    kvctl("put", "k", "v");
    Run run = run(new Kvctl(FakeCluster.channelFactory()), "", "get", "k", "--endpoints", cluster.endpoints(), "-w", "json");
    assertEquals(0, run.exit(), run.err());
    assertTrue(run.out().startsWith("{\"revision\":1,"), run.out());
  }

  @Test
  void unreachableEndpointFailsWithOneLineAndNoStackTrace() {
    // The real transport: nothing listens on port 1, so the connection is refused.
    Run run = run(new Kvctl(), "", "--endpoints", "127.0.0.1:1", "--command-timeout", "3s", "get", "k");
    assertEquals(1, run.exit());
    assertEquals("", run.out());
    assertOneLine(run.err());
    assertTrue(run.err().startsWith("Error: no endpoint reachable (127.0.0.1:1: "), run.err());
  }
}
