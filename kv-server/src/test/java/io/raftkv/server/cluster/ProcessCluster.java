package io.raftkv.server.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;

/**
 * N raftkv nodes as separate JVM processes ({@code io.raftkv.server.Main} on this JVM's class path,
 * with this JVM's java binary), each on its own data dir and loopback ports, for tests that must
 * kill a node the hard way ({@link Process#destroyForcibly()}, SIGKILL on Linux) and restart it on
 * the same data. Every child is killed by {@link #close}, and by a JVM shutdown hook should the
 * test JVM exit first. Each node's output goes to {@code node-ID.log} beside its data dir.
 * Thread-safe: clients on other threads may call {@link #kv} and {@link #status} while the test
 * thread kills and starts nodes.
 */
final class ProcessCluster implements AutoCloseable {
    private final Path root;
    private final Map<Long, int[]> ports = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, Process> processes = new ConcurrentSkipListMap<>();
    // ConcurrentHashMap: its computeIfAbsent builds each channel once (a skip list's may build two and drop one).
    private final Map<Long, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final List<String> nodeFlags;
    private final Thread killer = new Thread(this::killAll, "process-cluster-killer");

    /** @param nodeFlags flags every node gets besides its identity, addresses and data dir */
    ProcessCluster(Path root, int size, List<String> nodeFlags) throws IOException {
        this.root = root;
        this.nodeFlags = List.copyOf(nodeFlags);
        for (long id = 1; id <= size; id++) {
            ports.put(id, new int[] {freePort(), freePort(), freePort()});
        }
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** Starts node {@code id} (again, on the same data dir after a kill). */
    synchronized void start(long id) throws IOException {
        if (processes.containsKey(id)) {
            throw new IllegalStateException("node " + id + " is already running");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED",
                // Three children share two cores with the tests: small heaps, no C2 compiler threads.
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", classPath(), "io.raftkv.server.Main",
                "--node-id", Long.toString(id), "--cluster-id", Long.toString(InProcessCluster.CLUSTER_ID),
                "--peers", addresses(1), "--clients", addresses(0),
                "--metrics-listen", "127.0.0.1:" + ports.get(id)[2],
                "--data-dir", root.resolve("node-" + id).toString()));
        command.addAll(nodeFlags);
        Path log = logFile(id);
        Files.writeString(log, "---- " + java.time.LocalTime.now() + " start " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.put(id, process);
        // A channel that failed to reach the dead node backs off for seconds; start afresh.
        ManagedChannel stale = channels.remove(id);
        if (stale != null) {
            stale.shutdownNow();
        }
    }

    /** Kills node {@code id} with SIGKILL: no shutdown hook runs, nothing is flushed. */
    synchronized void kill(long id) throws InterruptedException {
        Process process = processes.remove(id);
        if (process == null) {
            throw new IllegalStateException("node " + id + " is not running");
        }
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("node " + id + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
        }
    }

    boolean isRunning(long id) {
        Process process = processes.get(id);
        return process != null && process.isAlive();
    }

    List<Long> ids() {
        return List.copyOf(ports.keySet());
    }

    List<Long> runningIds() {
        return List.copyOf(processes.keySet());
    }

    KVGrpc.KVBlockingStub kv(long id, Duration deadline) {
        return KVGrpc.newBlockingStub(channel(id)).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Node {@code id}'s Status, or empty if it does not answer within a second. */
    Optional<StatusResponse> status(long id) {
        ManagedChannel channel = channel(id);
        try {
            return Optional.of(MaintenanceGrpc.newBlockingStub(channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                    .status(StatusRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            // After failing to connect, a channel waits (1 s, then longer) before it tries again;
            // a node that is starting is worth trying again at once.
            channel.resetConnectBackoff();
            return Optional.empty();
        }
    }

    /**
     * Waits until every running node answers Status, all name the same leader, and that node says it
     * leads; returns the leader. Fails with each node's log tail.
     */
    long awaitLeader(Duration timeout) {
        long[] leader = new long[1];
        try {
            InProcessCluster.await(timeout, "a leader every running node agrees on", () -> {
                long seen = 0;
                for (long id : runningIds()) {
                    Optional<StatusResponse> status = status(id);
                    if (status.isEmpty() || status.get().getLeader() == 0
                            || (seen != 0 && status.get().getLeader() != seen)) {
                        return false;
                    }
                    seen = status.get().getLeader();
                }
                Optional<StatusResponse> leaderStatus = seen == 0 ? Optional.empty() : status(seen);
                leader[0] = seen;
                return leaderStatus.isPresent() && leaderStatus.get().getRaftState().equals("leader");
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + logTails(), e);
        }
        return leader[0];
    }

    /** The last lines of every node's log, for failure messages. */
    String logTails() {
        StringJoiner out = new StringJoiner("\n");
        for (long id : ids()) {
            out.add("---- node " + id + " (" + (isRunning(id) ? "running" : "not running") + "), " + logFile(id));
            try {
                List<String> lines = Files.exists(logFile(id)) ? Files.readAllLines(logFile(id)) : List.of();
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(out::add);
            } catch (IOException e) {
                out.add("(unreadable: " + e + ")");
            }
        }
        return out.toString();
    }

    Path logFile(long id) {
        return root.resolve("node-" + id + ".log");
    }

    @Override
    public void close() {
        killAll();
        channels.values().forEach(ManagedChannel::shutdownNow);
        try {
            Runtime.getRuntime().removeShutdownHook(killer);
        } catch (IllegalStateException e) {
            // The JVM is shutting down and the hook is running or has run: the children are dead either way.
        }
    }

    private void killAll() {
        for (Process process : processes.values()) {
            process.destroyForcibly();
        }
        for (Process process : processes.values()) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        processes.clear();
    }

    private ManagedChannel channel(long id) {
        return channels.computeIfAbsent(id, key -> ManagedChannelBuilder.forTarget("127.0.0.1:" + ports.get(key)[0])
                .usePlaintext().build());
    }

    private String addresses(int which) {
        StringJoiner out = new StringJoiner(",");
        ports.forEach((id, nodePorts) -> out.add(id + "=127.0.0.1:" + nodePorts[which]));
        return out.toString();
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElseThrow(() -> new IllegalStateException("cannot tell which java binary runs this JVM"));
    }

    /**
     * This JVM's class path. Surefire may start the test JVM from a manifest-only jar, which works as a
     * class path too; it also passes the real one as {@code surefire.test.class.path}, which we prefer.
     */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    private static int freePort() throws IOException {
        return TestPorts.next();
    }
}
