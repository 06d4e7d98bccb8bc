package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeConfigTest {
    private static final String PEERS = "1=10.0.0.1:2380,2=10.0.0.2:2380,3=10.0.0.3:2380";
    private static final String CLIENTS = "1=10.0.0.1:2379,2=10.0.0.2:2379,3=10.0.0.3:2379";
    private static final Map<String, String> NO_ENVIRONMENT = Map.of();

    /** A valid command line for node 1 of 3, with {@code extra} appended. */
    private static List<String> threeNodes(String... extra) {
        List<String> args = new ArrayList<>(List.of("--node-id", "1", "--peers", PEERS, "--clients", CLIENTS,
                "--data-dir", "/var/lib/raftkv"));
        args.addAll(List.of(extra));
        return args;
    }

    private static NodeConfig parse(List<String> args) {
        return NodeConfigParser.parseConfig(args, NO_ENVIRONMENT);
    }

    private static String failure(List<String> args, Map<String, String> environment) {
        return assertThrows(IllegalArgumentException.class, () -> NodeConfigParser.parseConfig(args, environment))
                .getMessage();
    }

    @Test
    void defaultsMatchTheDocumentedValues() {
        NodeConfig config = parse(threeNodes());
        assertEquals(1, config.nodeId());
        assertEquals(1, config.clusterId());
        assertEquals(List.of(1L, 2L, 3L), List.copyOf(config.peers().keySet()));
        assertEquals(HostPort.parse("10.0.0.2:2380"), config.peers().get(2L));
        assertEquals(HostPort.parse("10.0.0.3:2379"), config.clients().get(3L));
        assertEquals(HostPort.parse("10.0.0.1:2379"), config.clientListen(), "defaults to this node's --clients entry");
        assertEquals(HostPort.parse("10.0.0.1:2380"), config.peerListen(), "defaults to this node's --peers entry");
        assertEquals(HostPort.parse("0.0.0.0:2381"), config.metricsListen());
        assertEquals(Path.of("/var/lib/raftkv"), config.dataDir());
        assertFalse(config.join());
        assertEquals(100, config.tickMillis());
        assertEquals(10, config.electionTicks());
        assertEquals(1, config.heartbeatTicks());
        assertEquals(1000, config.electionTimeout().toMillis());
        assertEquals(4096, config.keyBytesMax());
        assertEquals(1 << 20, config.valueBytesMax());
        assertEquals(128, config.txnOpsMax());
        assertEquals(4 << 20, config.responseBytesMax());
        assertEquals(4096, config.proposalQueueCapacity());
        assertEquals(8192, config.inboundQueueCapacity());
        assertEquals(1024, config.applyQueueCapacity());
        assertEquals(4096, config.readQueueCapacity());
        assertEquals(100_000, config.snapshotEntries());
        assertEquals(5_000, config.snapshotRetainEntries());
        assertEquals(600_000, config.sessionTtlMillis());
        assertEquals(256L << 20, config.diskReserveBytes());
        assertEquals(5_000, config.requestTimeoutMillis());
        assertTrue(config.failpoints().isEmpty());
    }

    @Test
    void everyFlagIsReadInBothForms() {
        NodeConfig config = parse(threeNodes("--cluster-id=7", "--client-listen", "0.0.0.0:2379",
                "--peer-listen=0.0.0.0:2380", "--metrics-listen", "127.0.0.1:9100", "--join", "--tick-ms", "50",
                "--election-ticks=20", "--heartbeat-ticks", "2", "--max-key-bytes", "1k", "--max-value-bytes", "2m",
                "--max-txn-ops", "64", "--max-response-bytes=16m", "--proposal-queue", "10", "--inbound-queue", "20",
                "--apply-queue", "30", "--read-queue", "40", "--snapshot-entries", "500",
                "--snapshot-retain-entries", "0", "--session-ttl-ms", "60000", "--disk-reserve-bytes", "1g",
                "--request-timeout-ms", "2000", "--failpoints", "raft.before-fsync=panic,apply.slow=sleep(100)"));
        assertEquals(7, config.clusterId());
        assertEquals(HostPort.parse("0.0.0.0:2379"), config.clientListen());
        assertEquals(HostPort.parse("0.0.0.0:2380"), config.peerListen());
        assertEquals(HostPort.parse("127.0.0.1:9100"), config.metricsListen());
        assertTrue(config.join());
        assertEquals(50, config.tickMillis());
        assertEquals(20, config.electionTicks());
        assertEquals(2, config.heartbeatTicks());
        assertEquals(1024, config.keyBytesMax());
        assertEquals(2 << 20, config.valueBytesMax());
        assertEquals(64, config.txnOpsMax());
        assertEquals(16 << 20, config.responseBytesMax());
        assertEquals(10, config.proposalQueueCapacity());
        assertEquals(20, config.inboundQueueCapacity());
        assertEquals(30, config.applyQueueCapacity());
        assertEquals(40, config.readQueueCapacity());
        assertEquals(500, config.snapshotEntries());
        assertEquals(0, config.snapshotRetainEntries());
        assertEquals(60_000, config.sessionTtlMillis());
        assertEquals(1L << 30, config.diskReserveBytes());
        assertEquals(2_000, config.requestTimeoutMillis());
        assertEquals(Map.of("raft.before-fsync", "panic", "apply.slow", "sleep(100)"), config.failpoints());
    }

    @Test
    void environmentVariablesFillInMissingFlags() {
        Map<String, String> environment = Map.of("RAFTKV_NODE_ID", "2", "RAFTKV_PEERS", PEERS, "RAFTKV_CLIENTS", CLIENTS,
                "RAFTKV_DATA_DIR", "/data", "RAFTKV_TICK_MS", "25", "RAFTKV_JOIN", "true");
        NodeConfig config = NodeConfigParser.parseConfig(List.of(), environment);
        assertEquals(2, config.nodeId());
        assertEquals(Path.of("/data"), config.dataDir());
        assertEquals(25, config.tickMillis());
        assertTrue(config.join());
        assertEquals(HostPort.parse("10.0.0.2:2379"), config.clientListen());
    }

    @Test
    void aFlagWinsOverItsEnvironmentVariable() {
        Map<String, String> environment = Map.of("RAFTKV_TICK_MS", "25", "RAFTKV_NODE_ID", "3", "RAFTKV_JOIN", "true");
        NodeConfig config = NodeConfigParser.parseConfig(threeNodes("--tick-ms", "75", "--join=false"), environment);
        assertEquals(75, config.tickMillis());
        assertEquals(1, config.nodeId());
        assertFalse(config.join());
    }

    @Test
    void anEmptyEnvironmentVariableCountsAsUnset() {
        NodeConfig config = NodeConfigParser.parseConfig(threeNodes(), Map.of("RAFTKV_TICK_MS", ""));
        assertEquals(100, config.tickMillis());
    }

    @Test
    void aBadEnvironmentValueNamesTheVariable() {
        String message = failure(threeNodes(), Map.of("RAFTKV_ELECTION_TICKS", "ten"));
        assertEquals("invalid --election-ticks: 'ten' is not a whole number (from RAFTKV_ELECTION_TICKS)", message);
        message = failure(List.of("--node-id", "1", "--data-dir", "/d"), Map.of("RAFTKV_PEERS", "1=a:1,x"));
        assertEquals("invalid --peers: entry 'x' is not id=host:port (from RAFTKV_PEERS)", message);
    }

    @Test
    void aSingleNodeNeedsNoClientsFlag() {
        NodeConfig config = parse(List.of("--node-id", "5", "--peers", "5=db1.example:2380", "--data-dir", "d"));
        assertEquals(Map.of(5L, HostPort.parse("db1.example:2379")), config.clients());
        assertEquals(HostPort.parse("db1.example:2379"), config.clientListen());
        assertEquals(config.peerAddress(), config.peerListen());
    }

    @Test
    void helpListsEveryFlagWithItsEnvironmentVariableAndDefault() {
        NodeConfigParser.Result result = NodeConfigParser.parse(List.of("--node-id", "x", "--help"), NO_ENVIRONMENT);
        String text = assertInstanceOf(NodeConfigParser.Help.class, result).text();
        for (NodeFlag flag : NodeFlag.values()) {
            assertTrue(text.contains(flag.option()), flag.option());
            assertTrue(text.contains(flag.env()), flag.env());
        }
        assertTrue(text.contains("RAFTKV_TICK_MS"));
        assertTrue(text.contains("default: 100"));
        assertTrue(text.contains("default: 0.0.0.0:2381"));
    }

    @Test
    void everyDefaultValueParsesAndMatchesTheRecordDefaults() {
        // The help text shows NodeFlag's defaults; the parser uses the same strings. Guard the
        // ones the brief fixes, so a typo in the table cannot change them silently.
        Map<NodeFlag, String> expected = new HashMap<>();
        expected.put(NodeFlag.ELECTION_TICKS, "10");
        expected.put(NodeFlag.MAX_VALUE_BYTES, "1m");
        expected.put(NodeFlag.DISK_RESERVE_BYTES, "256m");
        expected.forEach((flag, value) -> assertEquals(value, flag.defaultValue(), flag.option()));
        assertEquals("RAFTKV_SNAPSHOT_RETAIN_ENTRIES", NodeFlag.SNAPSHOT_RETAIN_ENTRIES.env());
    }

    @Test
    void describeListsEverySetting() {
        String line = parse(threeNodes("--failpoints", "a=b")).describe();
        for (NodeFlag flag : NodeFlag.values()) {
            assertTrue(line.contains(flag.option().substring(2).replace("node-id", "node").replace("cluster-id", "cluster")
                    + "="), flag.option() + " in " + line);
        }
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("node id zero", List.of("--node-id", "0", "--peers", "1=a:1", "--data-dir", "d"),
                        "invalid --node-id: 0 must be > 0"),
                Arguments.of("node id not a number", List.of("--node-id", "one", "--peers", PEERS, "--clients", CLIENTS,
                        "--data-dir", "d"), "invalid --node-id: 'one' is not a whole number"),
                Arguments.of("node id missing", List.of("--peers", PEERS, "--clients", CLIENTS, "--data-dir", "d"),
                        "invalid --node-id: is required (or set RAFTKV_NODE_ID)"),
                Arguments.of("node id too large", List.of("--node-id", "99999999999999999999", "--peers", PEERS),
                        "invalid --node-id: '99999999999999999999' is too large"),
                Arguments.of("cluster id negative", threeNodes("--cluster-id", "-3"), "invalid --cluster-id: -3 must be > 0"),
                Arguments.of("peers entry without id", List.of("--node-id", "1", "--peers", "x", "--data-dir", "d"),
                        "invalid --peers: entry 'x' is not id=host:port"),
                Arguments.of("peers entry without port", List.of("--node-id", "1", "--peers", "1=host", "--data-dir", "d"),
                        "invalid --peers: entry '1=host': 'host' is not host:port"),
                Arguments.of("peers port too large", List.of("--node-id", "1", "--peers", "1=h:70000", "--data-dir", "d"),
                        "invalid --peers: entry '1=h:70000': port 70000 is not in 0..65535"),
                Arguments.of("peers port zero", List.of("--node-id", "1", "--peers", "1=h:0", "--data-dir", "d"),
                        "invalid --peers: 1=h:0 needs a port in 1..65535"),
                Arguments.of("peers empty entry", List.of("--node-id", "1", "--peers", "1=h:1,", "--data-dir", "d"),
                        "invalid --peers: entry '' is not id=host:port"),
                Arguments.of("peers duplicate id", List.of("--node-id", "1", "--peers", "1=a:1,1=b:1", "--data-dir", "d"),
                        "invalid --peers: id 1 appears twice"),
                Arguments.of("peers duplicate address", List.of("--node-id", "1", "--peers", "1=a:1,2=a:1,3=c:1", "--clients",
                        CLIENTS, "--data-dir", "d"),
                        "invalid --peers: members 1 and 2 have the same address a:1"),
                Arguments.of("peers wildcard", List.of("--node-id", "1", "--peers", "1=0.0.0.0:2380", "--data-dir", "d"),
                        "invalid --peers: 1=0.0.0.0:2380: 0.0.0.0 means every interface and cannot be dialled"),
                Arguments.of("peers without this node", List.of("--node-id", "4", "--peers", PEERS, "--clients", CLIENTS,
                        "--data-dir", "d"), "invalid --peers: must include this node (--node-id 4), got ids [1, 2, 3]"),
                Arguments.of("peers missing", List.of("--node-id", "1", "--data-dir", "d"),
                        "invalid --peers: is required (or set RAFTKV_PEERS)"),
                Arguments.of("clients missing for three", List.of("--node-id", "1", "--peers", PEERS, "--data-dir", "d"),
                        "invalid --clients: is required when --peers lists more than one member"),
                Arguments.of("clients ids differ", List.of("--node-id", "1", "--peers", PEERS, "--clients",
                        "1=a:1,2=b:1", "--data-dir", "d"), "invalid --clients: has ids [1, 2] but --peers has ids [1, 2, 3]"),
                Arguments.of("client listen bad", threeNodes("--client-listen", "localhost"),
                        "invalid --client-listen: 'localhost' is not host:port"),
                Arguments.of("ipv6 without brackets", threeNodes("--client-listen", "::1:2379"),
                        "invalid --client-listen: '::1:2379' is not host:port (IPv6 goes in brackets: [::1]:2380)"),
                Arguments.of("metrics on the client port", threeNodes("--metrics-listen", "0.0.0.0:2379"),
                        "invalid --metrics-listen: 0.0.0.0:2379 uses the same port as --client-listen (10.0.0.1:2379)"),
                Arguments.of("data dir missing", List.of("--node-id", "1", "--peers", "1=a:1"),
                        "invalid --data-dir: is required (or set RAFTKV_DATA_DIR)"),
                Arguments.of("join alone", List.of("--node-id", "1", "--peers", "1=a:1", "--data-dir", "d", "--join"),
                        "invalid --join: a joining node needs the existing members in --peers"),
                Arguments.of("join not boolean", threeNodes("--join=maybe"), "invalid --join: 'maybe' is not true or false"),
                Arguments.of("tick zero", threeNodes("--tick-ms", "0"), "invalid --tick-ms: 0 must be in 1..60000"),
                Arguments.of("tick huge", threeNodes("--tick-ms", "99999999999"), "invalid --tick-ms: 99999999999 is too large"),
                Arguments.of("election not above heartbeat", threeNodes("--election-ticks", "3", "--heartbeat-ticks", "3"),
                        "invalid --election-ticks: 3 must be > --heartbeat-ticks (3)"),
                Arguments.of("heartbeat zero", threeNodes("--heartbeat-ticks", "0"), "invalid --heartbeat-ticks: 0 must be in 1..10000"),
                Arguments.of("key bytes zero", threeNodes("--max-key-bytes", "0"), "invalid --max-key-bytes: 0 must be in 1..1048576"),
                Arguments.of("value bytes bad suffix", threeNodes("--max-value-bytes", "1t"),
                        "invalid --max-value-bytes: '1t' is not a size in bytes (try 4096, 64k, 1m, 2g)"),
                Arguments.of("value bytes too large", threeNodes("--max-value-bytes", "1g"),
                        "invalid --max-value-bytes: 1073741824 must be in 1..67108864"),
                Arguments.of("txn ops zero", threeNodes("--max-txn-ops", "0"), "invalid --max-txn-ops: 0 must be in 1..100000"),
                Arguments.of("response smaller than a pair", threeNodes("--max-response-bytes", "1m"),
                        "invalid --max-response-bytes: 1048576 must be >= --max-key-bytes + --max-value-bytes (1052672)"),
                Arguments.of("proposal queue zero", threeNodes("--proposal-queue", "0"), "invalid --proposal-queue: 0 must be in 1..1048576"),
                Arguments.of("inbound queue negative", threeNodes("--inbound-queue", "-1"), "invalid --inbound-queue: -1 must be in 1..1048576"),
                Arguments.of("apply queue huge", threeNodes("--apply-queue", "2000000"), "invalid --apply-queue: 2000000 must be in 1..1048576"),
                Arguments.of("read queue empty", threeNodes("--read-queue="), "invalid --read-queue: is empty"),
                Arguments.of("snapshot entries zero", threeNodes("--snapshot-entries", "0"), "invalid --snapshot-entries: 0 must be >= 1"),
                Arguments.of("retain negative", threeNodes("--snapshot-retain-entries", "-5"),
                        "invalid --snapshot-retain-entries: -5 must be >= 0"),
                Arguments.of("session shorter than request", threeNodes("--session-ttl-ms", "1000"),
                        "invalid --session-ttl-ms: 1000 must be > --request-timeout-ms (5000)"),
                Arguments.of("disk reserve words", threeNodes("--disk-reserve-bytes", "lots"),
                        "invalid --disk-reserve-bytes: 'lots' is not a size in bytes"),
                Arguments.of("request timeout zero", threeNodes("--request-timeout-ms", "0"),
                        "invalid --request-timeout-ms: 0 must be in 1..3600000"),
                Arguments.of("failpoint without action", threeNodes("--failpoints", "a=b,c"),
                        "invalid --failpoints: entry 'c' is not name=action"),
                Arguments.of("failpoint twice", threeNodes("--failpoints", "a=b,a=c"), "invalid --failpoints: failpoint a appears twice"),
                Arguments.of("failpoint bad name", threeNodes("--failpoints", "a b=c"),
                        "invalid --failpoints: name 'a b' must be 1 to 128 of"),
                Arguments.of("flag twice", threeNodes("--tick-ms", "1", "--tick-ms", "2"),
                        "invalid --tick-ms: given twice ('1' and '2')"),
                Arguments.of("flag without value", threeNodes("--tick-ms"), "invalid --tick-ms: needs a value (MS)"),
                Arguments.of("value that is a flag", threeNodes("--tick-ms", "--join"), "invalid --tick-ms: needs a value (MS)"),
                Arguments.of("unknown flag", threeNodes("--tick", "5"), "unknown flag --tick; --help lists them"),
                Arguments.of("stray argument", threeNodes("extra"), "unexpected argument 'extra': flags start with --"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void aBadValueIsNamedInTheMessage(String name, List<String> args, String expected) {
        String message = failure(args, NO_ENVIRONMENT);
        assertTrue(message.startsWith(expected), () -> "expected '" + expected + "...' but got '" + message + "'");
    }

    @Test
    void theRecordValidatesWhenBuiltDirectly() {
        NodeConfig valid = parse(threeNodes());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> new NodeConfig(valid.nodeId(),
                valid.clusterId(), valid.peers(), valid.clients(), valid.clientListen(), valid.peerListen(),
                valid.metricsListen(), valid.dataDir(), valid.join(), valid.tickMillis(), 1, 1, valid.keyBytesMax(),
                valid.valueBytesMax(), valid.txnOpsMax(), valid.responseBytesMax(), valid.proposalQueueCapacity(),
                valid.inboundQueueCapacity(), valid.applyQueueCapacity(), valid.readQueueCapacity(),
                valid.snapshotEntries(), valid.snapshotRetainEntries(), valid.sessionTtlMillis(),
                valid.diskReserveBytes(), valid.requestTimeoutMillis(), valid.failpoints()));
        assertEquals(NodeFlag.ELECTION_TICKS, e.flag());
        assertThrows(UnsupportedOperationException.class, () -> valid.peers().put(9L, HostPort.parse("x:1")));
    }
}
