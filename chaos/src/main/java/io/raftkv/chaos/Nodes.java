package io.raftkv.chaos;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

/**
 * The node processes: {@code java -jar raftkv-server.jar} in each slot's namespace, started,
 * killed, paused and replaced by the nemesis. A slot keeps its namespace and address for the whole
 * run; its member id changes when the membership fault replaces it (slot + 10 x generation), and
 * each generation gets a fresh data directory. Output of every start goes to
 * {@code nodes/n<slot>.log}. Thread-safe (synchronized): the nemesis and the final heal use it.
 */
final class Nodes implements AutoCloseable {
    /** JVM settings for the nodes: small heaps and C1 only, so five nodes and the clients fit on 2 cores. */
    static final List<String> JAVA_OPTIONS_DEFAULT = List.of("-XX:+UseSerialGC", "-Xms64m", "-Xmx384m",
            "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-Xss512k",
            // Wall-clock times in the node logs, to line them up with the nemesis log.
            "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS");

    private static final class Node {
        final int slot;
        long memberId;
        int generation;
        Process process;
        boolean paused;
        /** The harness killed (or is about to kill) this process, or removed its member: its exit is no finding. */
        boolean exitExpected;
        /** Started with a crash failpoint armed: exit status 99 is expected. */
        boolean failpointArmed;

        Node(int slot) {
            this.slot = slot;
            this.memberId = slot;
        }
    }

    private final ChaosOptions options;
    private final Path directory;
    private final Path serverJar;
    private final Shell shell;
    private final List<String> javaOptions;
    private final Node[] nodes;
    /** One line per node process that exited without the harness killing it (a crash: a finding). */
    private final List<String> unexpectedExits = new ArrayList<>();
    private java.util.function.Consumer<String> onUnexpectedExit = line -> { };
    /** The class-data archive every node start maps (see {@link #prepareClassArchive}), or null. */
    private Path classArchive;

    /**
     * @param serverJar the jar to run: the run's own copy of kv-server's jar, so a rebuild of
     *                  kv-server during the run cannot change (or break) the nodes half way
     */
    Nodes(ChaosOptions options, Path directory, Path serverJar, Shell shell, List<String> javaOptions) throws IOException {
        this.options = options;
        this.directory = Files.createDirectories(directory);
        this.serverJar = serverJar;
        this.shell = shell;
        this.javaOptions = List.copyOf(javaOptions);
        this.nodes = new Node[options.nodes() + 1];
        for (int slot = 1; slot <= options.nodes(); slot++) {
            nodes[slot] = new Node(slot);
        }
    }

    List<Integer> slots() {
        List<Integer> slots = new ArrayList<>();
        for (int slot = 1; slot <= options.nodes(); slot++) {
            slots.add(slot);
        }
        return slots;
    }

    synchronized long memberId(int slot) {
        return nodes[slot].memberId;
    }

    /** The slot whose current member has {@code memberId}, or 0. */
    synchronized int slotOfMember(long memberId) {
        for (int slot = 1; slot <= options.nodes(); slot++) {
            if (nodes[slot].memberId == memberId) {
                return slot;
            }
        }
        return 0;
    }

    /**
     * Starts the slot's node on its current data directory.
     *
     * @param failpoints {@code --failpoints} for this start only (empty: none)
     * @param join       start empty and wait for the leader's snapshot (a new member)
     */
    synchronized void start(int slot, Map<String, String> failpoints, boolean join) {
        Node node = nodes[slot];
        if (node.process != null && node.process.isAlive()) {
            throw new IllegalStateException("node in slot " + slot + " is already running");
        }
        List<String> command = command(node, failpoints, join);
        Path log = directory.resolve("n" + slot + ".log");
        try {
            Files.writeString(log, "=== chaos: starting member " + node.memberId + " (slot " + slot + ", generation "
                    + node.generation + "): " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            node.process = process;
            node.paused = false;
            node.exitExpected = false;
            node.failpointArmed = !failpoints.isEmpty();
            long memberId = node.memberId;
            process.onExit().thenAccept(exited -> exited(node, exited, memberId));
        } catch (IOException e) {
            throw new ChaosException("cannot start the node in slot " + slot + ": " + e.getMessage(), e);
        }
    }

    private List<String> command(Node node, Map<String, String> failpoints, boolean join) {
        List<String> command = new ArrayList<>(Shell.inNamespace(Topology.namespace(node.slot),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(javaOptions);
        if (classArchive != null) {
            command.add("-XX:SharedArchiveFile=" + classArchive);
        }
        command.addAll(List.of("-jar", serverJar.toString(),
                "--node-id", Long.toString(node.memberId), "--cluster-id", "77",
                "--peers", members(Topology.PEER_PORT), "--clients", members(Topology.CLIENT_PORT),
                "--client-listen", Topology.clientAddress(node.slot), "--peer-listen", Topology.peerAddress(node.slot),
                "--metrics-listen", Topology.address(node.slot) + ":" + Topology.METRICS_PORT,
                "--data-dir", dataDirectory(node).toString(),
                // Short ticks keep elections, and so the runs, short: 50 ms heartbeats, 0.5-1 s elections.
                "--tick-ms", "50", "--election-ticks", "10", "--heartbeat-ticks", "1",
                "--request-timeout-ms", "2000",
                // Frequent snapshots, so snapshot save, install and log compaction happen in every run.
                "--snapshot-entries", "300", "--snapshot-retain-entries", "100",
                "--disk-reserve-bytes", "64m"));
        if (!failpoints.isEmpty()) {
            StringJoiner joiner = new StringJoiner(",");
            failpoints.forEach((name, action) -> joiner.add(name + "=" + action));
            command.addAll(List.of("--failpoints", joiner.toString()));
        }
        if (join) {
            command.add("--join");
        }
        if (options.unsafeBrokenReads()) {
            command.add("--unsafe-broken-reads");
        }
        return command;
    }

    /** {@code 1=10.77.0.1:port,...} for every slot's current member. */
    private String members(int port) {
        StringJoiner joiner = new StringJoiner(",");
        for (int slot = 1; slot <= options.nodes(); slot++) {
            joiner.add(nodes[slot].memberId + "=" + Topology.address(slot) + ":" + port);
        }
        return joiner.toString();
    }

    private Path dataDirectory(Node node) {
        return directory.resolve("n" + node.slot + ".g" + node.generation);
    }

    /**
     * Starts a throwaway single-node server in slot 1's namespace, lets it reach "started", stops it
     * with SIGTERM and keeps the classes it loaded as a CDS archive (-XX:ArchiveClassesAtExit). Every
     * later node start maps the archive and needs about half the CPU to boot, which matters on a
     * 2-core host where the nemesis restarts nodes every few seconds. Without an archive (the dump
     * failed) nodes start as usual.
     *
     * @return how the preparation went, for the log
     */
    synchronized String prepareClassArchive(long timeoutMillis) throws InterruptedException {
        Path archive = directory.resolve("classes.jsa");
        Path log = directory.resolve("class-archive.log");
        Path data = directory.resolve("class-archive-data");
        List<String> command = new ArrayList<>(Shell.inNamespace(Topology.namespace(1),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(javaOptions);
        command.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, "-jar", serverJar.toString(), "--node-id", "1",
                "--peers", "1=127.0.0.1:" + Topology.PEER_PORT, "--clients", "1=127.0.0.1:" + Topology.CLIENT_PORT,
                "--metrics-listen", "127.0.0.1:" + Topology.METRICS_PORT, "--data-dir", data.toString(),
                "--tick-ms", "50", "--disk-reserve-bytes", "64m"));
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            try {
                while (System.nanoTime() < deadline && process.isAlive()
                        && !Files.readString(log, StandardCharsets.UTF_8).contains("started cluster")) {
                    Thread.sleep(100);
                }
                process.destroy(); // SIGTERM: a normal exit, which writes the archive
                if (!process.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS)) {
                    return "class-data archive skipped: the training node did not stop in time";
                }
            } finally {
                process.destroyForcibly();
            }
            deleteTree(data);
            if (Files.isRegularFile(archive) && Files.size(archive) > 0) {
                classArchive = archive;
                return "class-data archive for the nodes ready (" + (Files.size(archive) >> 20) + " MiB)";
            }
            return "class-data archive skipped: none written; see " + log;
        } catch (IOException e) {
            return "class-data archive skipped: " + e.getMessage();
        }
    }

    /** Called with a description of each unexpected exit as it happens (the nemesis log). */
    synchronized void onUnexpectedExit(java.util.function.Consumer<String> listener) {
        this.onUnexpectedExit = listener;
    }

    /** The slot's member was removed from the cluster: it may stop by itself from now on. */
    synchronized void expectExit(int slot, boolean expected) {
        nodes[slot].exitExpected = expected;
    }

    synchronized List<String> unexpectedExits() {
        return List.copyOf(unexpectedExits);
    }

    private synchronized void exited(Node node, Process process, long memberId) {
        if (process != node.process || node.exitExpected) {
            return;
        }
        int status = process.exitValue();
        if (node.failpointArmed && status == 99) {
            return;
        }
        String line = "node " + node.slot + " (member " + memberId + ", pid " + process.pid() + ") exited by itself with "
                + "status " + status + "; see nodes/n" + node.slot + ".log";
        unexpectedExits.add(line);
        onUnexpectedExit.accept(line);
    }

    /** kill -9, and waits for the process to be gone. */
    synchronized void kill(int slot) {
        Node node = nodes[slot];
        if (node.process == null) {
            return;
        }
        node.exitExpected = true;
        node.process.destroyForcibly();
        try {
            if (!node.process.waitFor(10, TimeUnit.SECONDS)) {
                throw new ChaosException("node in slot " + slot + " (pid " + node.process.pid() + ") survived kill -9");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        node.paused = false;
    }

    synchronized void pause(int slot) {
        signal(slot, "-STOP");
        nodes[slot].paused = true;
    }

    synchronized void resume(int slot) {
        if (nodes[slot].paused) {
            signal(slot, "-CONT");
            nodes[slot].paused = false;
        }
    }

    private void signal(int slot, String signal) {
        Process process = nodes[slot].process;
        if (process != null && process.isAlive()) {
            shell.run("kill", signal, Long.toString(process.pid()));
        }
    }

    synchronized boolean isRunning(int slot) {
        Process process = nodes[slot].process;
        return process != null && process.isAlive();
    }

    synchronized boolean isPaused(int slot) {
        return nodes[slot].paused;
    }

    /** The exit status of the slot's last process, if it has exited. */
    synchronized OptionalInt exitStatus(int slot) {
        Process process = nodes[slot].process;
        return process == null || process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Waits up to {@code millis} for the slot's process to exit; true if it has. */
    boolean awaitExit(int slot, long millis) throws InterruptedException {
        Process process;
        synchronized (this) {
            process = nodes[slot].process;
        }
        return process == null || process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Gives the (stopped) slot a new member id and an empty data directory, for re-adding it as a new
     * member. The old directory is deleted: a removed member's data must never come back.
     */
    synchronized long replace(int slot) {
        Node node = nodes[slot];
        if (isRunning(slot)) {
            throw new IllegalStateException("stop slot " + slot + " before replacing it");
        }
        deleteTree(dataDirectory(node));
        node.generation++;
        node.memberId = slot + 10L * node.generation;
        return node.memberId;
    }

    /** Deletes the data directories (after a passing run; a failing run keeps them for inspection). */
    synchronized void deleteData() {
        for (int slot = 1; slot <= options.nodes(); slot++) {
            for (int generation = 0; generation <= nodes[slot].generation; generation++) {
                deleteTree(directory.resolve("n" + slot + ".g" + generation));
            }
        }
        deleteTree(directory.resolve("classes.jsa"));
    }

    @Override
    public synchronized void close() {
        for (int slot = 1; slot <= options.nodes(); slot++) {
            kill(slot);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).map(Path::toFile).forEach(File::delete);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }
}
