package io.raftkv.chaos;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.raftkv.check.CheckResult;
import io.raftkv.check.History;
import io.raftkv.check.HistoryReader;
import io.raftkv.check.HistoryWriter;
import io.raftkv.check.LostWrites;
import io.raftkv.check.Value;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One chaos run from start to verdict: network, nodes, clients and nemesis up; faults for the
 * configured duration; heal; final reads; check. Whatever happens, {@link Cleanup} runs before
 * {@link #execute} returns or throws. The caller has run {@link Preflight}.
 */
final class ChaosRun {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration HEAL_TIMEOUT = Duration.ofSeconds(30);

    private final ChaosOptions options;
    private final PrintStream console;
    private final List<String> javaOptions;

    ChaosRun(ChaosOptions options, PrintStream console, List<String> javaOptions) {
        this.options = options;
        this.console = console;
        this.javaOptions = javaOptions;
    }

    ChaosReport execute() throws IOException, InterruptedException {
        Path out = Files.createDirectories(options.out());
        long startNanos = System.nanoTime();
        try (PrintWriter commands = new PrintWriter(Files.newBufferedWriter(out.resolve("commands.log"), StandardCharsets.UTF_8));
             EventLog log = new EventLog(console, out.resolve("nemesis.log"), startNanos)) {
            Shell shell = new Shell(commands);
            log.event("chaos: %d nodes, seed %d, %d s, faults %s, %d ops/s, %d workers, %s calls, output in %s",
                    options.nodes(), options.seed(), options.duration().toSeconds(),
                    FaultKind.names(options.faultsInOrder()), options.opsRate(), options.workers(),
                    options.streams() ? "stream" : "unary", out);
            if (options.unsafeBrokenReads()) {
                log.event("chaos: nodes run with --unsafe-broken-reads (DELIBERATELY BROKEN: expect a violation)");
            }
            Nodes nodes = null;
            boolean passed = false;
            try {
                Network network = new Network(shell, options.nodes());
                network.create();
                Path serverJar = Files.copy(options.serverJar(), out.resolve("raftkv-server.jar"));
                nodes = new Nodes(options, out.resolve("nodes"), serverJar, shell, javaOptions);
                ChaosReport report = runCluster(network, nodes, log, out, startNanos);
                passed = report.passed();
                return report;
            } finally {
                if (nodes != null) {
                    nodes.close();
                }
                List<String> removed = Cleanup.run(shell);
                log.event("cleanup: %d processes, namespaces, links and rules removed", removed.size());
                if (passed && nodes != null) {
                    // A failing run keeps the data directories and the jar, for inspection and replay.
                    nodes.deleteData();
                    Files.deleteIfExists(out.resolve("raftkv-server.jar"));
                }
            }
        }
    }

    private ChaosReport runCluster(Network network, Nodes nodes, EventLog log, Path out, long startNanos)
            throws IOException, InterruptedException {
        try (ClusterClient client = new ClusterClient(options.nodes(), options.streams());
             LeaderWatch leaders = new LeaderWatch(client, nodes)) {
            log.event("chaos: %s", nodes.prepareClassArchive(60_000));
            nodes.onUnexpectedExit(line -> log.event("UNEXPECTED: %s", line));
            for (int slot : nodes.slots()) {
                nodes.start(slot, Map.of(), false);
            }
            leaders.start();
            Nemesis nemesis = new Nemesis(options, nodes, network, client, leaders, log);
            int leader = awaitFirstLeader(nodes, leaders);
            if (leader == 0) {
                throw new ChaosException("no leader " + START_TIMEOUT.toSeconds() + " s after starting the nodes; see "
                        + out.resolve("nodes"));
            }
            log.event("chaos: node %d leads; starting clients and nemesis", leader);
            Path historyPath = out.resolve("history.jsonl");
            Workload workload;
            try (HistoryWriter history = HistoryWriter.create(historyPath)) {
                workload = new Workload(options, client, leaders, history);
                workload.start();
                long endNanos = System.nanoTime() + options.duration().toNanos();
                Thread thread = Thread.ofPlatform().name("chaos-nemesis").start(() -> nemesis.run(endNanos));
                thread.join(options.duration().plusMinutes(3).toMillis());
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(10_000);
                }
                nemesis.healEverything(HEAL_TIMEOUT);
                log.event("chaos: stopping clients (a write still unknown gets up to %d s more)",
                        Workload.WRITE_DEADLINE.toSeconds());
                workload.stop(Workload.WRITE_DEADLINE.plusSeconds(5));
            }
            if (nemesis.failure() != null) {
                throw new ChaosException("the nemesis failed: " + nemesis.failure(), nemesis.failure());
            }
            Map<String, AcknowledgedWrites.Final> finals = finalReads(client, leaders, workload.keys, log);
            return check(historyPath, out, nodes, workload, nemesis, leaders, finals, startNanos, log);
        }
    }

    /** Waits for the first leader; gives up at once if every node has exited (a broken jar or flags). */
    private static int awaitFirstLeader(Nodes nodes, LeaderWatch leaders) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            int leader = leaders.awaitLeader(Duration.ofMillis(500));
            if (leader != 0) {
                return leader;
            }
            if (nodes.slots().stream().noneMatch(nodes::isRunning)) {
                throw new ChaosException("every node exited while starting (exit status "
                        + nodes.exitStatus(1).orElse(-1) + "); see the node logs");
            }
        }
        return 0;
    }

    private ChaosReport check(Path historyPath, Path out, Nodes nodes, Workload workload, Nemesis nemesis,
                              LeaderWatch leaders,
                              Map<String, AcknowledgedWrites.Final> finals, long startNanos, EventLog log)
            throws IOException {
        log.event("chaos: checking the history (%d operations)", workload.counts.total());
        long checkStart = System.nanoTime();
        History history = HistoryReader.read(historyPath);
        Map<String, Value> finalValues = new TreeMap<>();
        finals.forEach((key, end) -> finalValues.put(key, end.value() == null ? Value.NIL : new Value.Int(end.value())));
        CheckResult result = LostWrites.check(history, finalValues, options.checkTimeout());
        Duration checkTime = Duration.ofNanos(System.nanoTime() - checkStart);
        AcknowledgedWrites.Verdict lost = workload.acknowledged.check(finals);
        Files.writeString(out.resolve("check.txt"), result.report(), StandardCharsets.UTF_8);
        return new ChaosReport(options, out, workload.counts, nemesis.injected(), leaders.leaderChanges(),
                history.size(), result, lost.lost(), lost.checked(), nodes.unexpectedExits(),
                Duration.ofNanos(System.nanoTime() - startNanos), checkTime);
    }

    /** Reads every key linearizably through the leader, retrying through elections (bounded). */
    private static Map<String, AcknowledgedWrites.Final> finalReads(ClusterClient client, LeaderWatch leaders,
                                                                   List<String> keys, EventLog log)
            throws InterruptedException {
        Map<String, AcknowledgedWrites.Final> finals = new TreeMap<>();
        for (String key : keys) {
            long deadline = System.nanoTime() + HEAL_TIMEOUT.toNanos();
            StatusRuntimeException last = null;
            while (!finals.containsKey(key) && System.nanoTime() < deadline) {
                int slot = leaders.awaitLeader(Duration.ofSeconds(5));
                if (slot == 0) {
                    continue;
                }
                try {
                    RangeResponse response = client.range(slot,
                            RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build(), Duration.ofSeconds(3));
                    finals.put(key, response.getKvsCount() == 0 ? new AcknowledgedWrites.Final(null, 0)
                            : toFinal(response.getKvs(0)));
                } catch (StatusRuntimeException e) {
                    last = e;
                    client.noteFailure(slot, e);
                    Thread.sleep(200);
                }
            }
            if (!finals.containsKey(key)) {
                throw new ChaosException("could not read key " + key + " after healing: "
                        + (last == null ? "no leader" : last.getStatus()));
            }
        }
        log.event("chaos: final values %s", finals);
        return finals;
    }

    private static AcknowledgedWrites.Final toFinal(KeyValue keyValue) {
        String text = keyValue.getValue().toStringUtf8();
        try {
            return new AcknowledgedWrites.Final(Long.parseLong(text), keyValue.getVersion());
        } catch (NumberFormatException e) {
            throw new ChaosException("key " + keyValue.getKey().toStringUtf8() + " holds '" + text
                    + "', which no client wrote");
        }
    }
}
