package io.raftkv.server.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.ClusterGrpc;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.server.NodeConfig;
import io.raftkv.server.NodeConfigParser;
import io.raftkv.server.RaftKvNode;
import io.raftkv.server.loop.LoopStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * N real nodes in this JVM: gRPC on loopback, RocksDB in a temp directory, short ticks so tests run
 * fast. Nodes can be stopped and restarted on the same data, and new ones join. Waits are on
 * conditions with deadlines. Stubs carry a deadline; {@link #onLeader} and {@link #withStableLeader}
 * keep tests meaningful when an election happens at a bad moment (on a loaded machine a 200 ms
 * election timeout does expire now and then).
 *
 * <p>Start and stop nodes from the test thread; other threads (a test's clients) may call the stub
 * methods and {@link #running} at the same time. A node's fatal error fails {@link #close}.
 */
public final class InProcessCluster implements AutoCloseable {
    public static final int TICK_MILLIS = 20;
    public static final int RPC_DEADLINE_SECONDS = 5;
    public static final long CLUSTER_ID = 7;
    /** Long enough for an election on a loaded 2-core machine, short enough to fail fast. */
    public static final Duration LEADER_TIMEOUT = Duration.ofSeconds(15);
    private static final int LEADER_RETRIES_MAX = 20;
    private static final int STABLE_LEADER_ATTEMPTS = 5;

    private final Path root;
    // Concurrent maps: client threads of a test read them while the test thread stops and starts nodes.
    private final ConcurrentSkipListMap<Long, int[]> ports = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<Long, RaftKvNode> nodes = new ConcurrentSkipListMap<>();
    // ConcurrentHashMap: its computeIfAbsent builds each channel once (a skip list's may build two and drop one).
    private final Map<Long, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final List<Throwable> fatalErrors = new CopyOnWriteArrayList<>();
    private final Map<String, String> extraFlags;

    public InProcessCluster(Path root, int size, Map<String, String> extraFlags) throws IOException {
        this.root = root;
        this.extraFlags = extraFlags;
        for (long id = 1; id <= size; id++) {
            ports.put(id, new int[] {freePort(), freePort(), freePort()});
        }
        try {
            for (long id = 1; id <= size; id++) {
                start(id);
            }
        } catch (IOException | RuntimeException | Error e) {
            // Do not leak the nodes that did start (their ports, threads and RocksDB handles).
            for (Long id : nodes.keySet()) {
                stop(id);
            }
            throw e;
        }
    }

    public InProcessCluster(Path root, int size) throws IOException {
        this(root, size, Map.of());
    }

    public NodeConfig configFor(long id, boolean join) {
        return configFor(id, join, Map.of());
    }

    /**
     * The configuration of node {@code id}; {@code overrides} replace the harness's flags and the
     * cluster's extra flags (e.g. {@code --cluster-id 9} or another {@code --data-dir}).
     */
    public NodeConfig configFor(long id, boolean join, Map<String, String> overrides) {
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("--node-id", Long.toString(id));
        flags.put("--cluster-id", Long.toString(CLUSTER_ID));
        flags.put("--peers", addresses(1));
        flags.put("--clients", addresses(0));
        flags.put("--metrics-listen", "127.0.0.1:" + ports.get(id)[2]);
        flags.put("--data-dir", dataDir(id).toString());
        flags.put("--tick-ms", Integer.toString(TICK_MILLIS));
        flags.put("--election-ticks", "10");
        flags.put("--heartbeat-ticks", "1");
        flags.put("--request-timeout-ms", "3000");
        flags.putAll(extraFlags);
        flags.putAll(overrides);
        List<String> args = new ArrayList<>();
        flags.forEach((flag, value) -> {
            args.add(flag);
            args.add(value);
        });
        if (join) {
            args.add("--join");
        }
        return NodeConfigParser.parseConfig(args, Map.of());
    }

    public Path dataDir(long id) {
        return root.resolve("node-" + id);
    }

    private String addresses(int which) {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Long, int[]> entry : ports.entrySet()) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(entry.getKey()).append("=127.0.0.1:").append(entry.getValue()[which]);
        }
        return out.toString();
    }

    public RaftKvNode start(long id) throws IOException {
        RaftKvNode node = RaftKvNode.start(configFor(id, false), fatalErrors::add);
        nodes.put(id, node);
        return node;
    }

    /** Adds a new node id to the port table (not yet a member): its addresses are known before MemberAdd. */
    public void reservePorts(long id) throws IOException {
        if (!ports.containsKey(id)) {
            ports.put(id, new int[] {freePort(), freePort(), freePort()});
        }
    }

    /** Adds a new node id to the port table (not yet a member) and starts it in join mode. */
    public RaftKvNode startJoining(long id) throws IOException {
        reservePorts(id);
        RaftKvNode node = RaftKvNode.start(configFor(id, true), fatalErrors::add);
        nodes.put(id, node);
        return node;
    }

    public String clientAddress(long id) {
        return "127.0.0.1:" + ports.get(id)[0];
    }

    public String peerAddress(long id) {
        return "127.0.0.1:" + ports.get(id)[1];
    }

    public void stop(long id) {
        RaftKvNode node = nodes.remove(id);
        if (node != null) {
            node.close();
        }
        ManagedChannel channel = channels.remove(id);
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    public RaftKvNode node(long id) {
        return nodes.get(id);
    }

    /** The running nodes by id; safe to read from any thread. */
    public NavigableMap<Long, RaftKvNode> running() {
        return nodes;
    }

    public KVGrpc.KVBlockingStub kv(long id) {
        return KVGrpc.newBlockingStub(channel(id)).withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public KVGrpc.KVFutureStub kvAsync(long id) {
        return KVGrpc.newFutureStub(channel(id)).withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public ClusterGrpc.ClusterBlockingStub membership(long id) {
        return ClusterGrpc.newBlockingStub(channel(id)).withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public MaintenanceGrpc.MaintenanceBlockingStub maintenance(long id) {
        return MaintenanceGrpc.newBlockingStub(channel(id)).withDeadlineAfter(RPC_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    public ManagedChannel channel(long id) {
        return channels.computeIfAbsent(id, key -> ManagedChannelBuilder.forTarget(clientAddress(key)).usePlaintext().build());
    }

    /** A channel to the peer (raft) port of node {@code id}; the caller shuts it down. */
    public ManagedChannel peerChannel(long id) {
        return ManagedChannelBuilder.forTarget(peerAddress(id)).usePlaintext().build();
    }

    /** The leader as every running node sees it, waiting up to {@link #LEADER_TIMEOUT}. */
    public long leader() {
        return awaitLeader(LEADER_TIMEOUT);
    }

    /** Running nodes other than {@code leader}, in id order. */
    public List<Long> followersOf(long leader) {
        return nodes.keySet().stream().filter(id -> id != leader).toList();
    }

    /**
     * Runs {@code call} against the current leader; if leadership moved under it (NOT_LEADER,
     * NO_LEADER, LEADER_CHANGED: refused before it took effect, or a write whose outcome is unknown)
     * finds the leader again and retries, a bounded number of times. Only for calls that are safe
     * to repeat.
     */
    public <T> T onLeader(Function<Long, T> call) {
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt < LEADER_RETRIES_MAX; attempt++) {
            long leader = leader();
            try {
                return call.apply(leader);
            } catch (StatusRuntimeException e) {
                if (!Rpcs.leadershipMoved(e)) {
                    throw e;
                }
                last = e;
            }
        }
        throw new AssertionError("leadership kept moving: " + LEADER_RETRIES_MAX + " attempts failed", last);
    }

    /**
     * Runs {@code call} against a given node (a read, or another call safe to repeat), again while it
     * is refused because leadership is moving (LEADER_CHANGED, NO_LEADER): such a refusal saw
     * nothing, so it proves nothing; only an answer can be checked. Bounded.
     */
    public <T> T retryingElections(Supplier<T> call) {
        StatusRuntimeException last = null;
        for (int attempt = 0; attempt < LEADER_RETRIES_MAX; attempt++) {
            try {
                return call.get();
            } catch (StatusRuntimeException e) {
                if (!Rpcs.leadershipMoved(e)) {
                    throw e;
                }
                last = e;
                leader(); // wait for the election to settle before asking again
            }
        }
        throw new AssertionError("leadership kept moving: " + LEADER_RETRIES_MAX + " attempts failed", last);
    }

    /**
     * Runs {@code body} with the current leader's id and returns its result if that node led, in
     * the same term, from start to end. On a slow machine an election can happen at any moment; a
     * run during which leadership moved proves nothing either way, so it is repeated (a bounded
     * number of times) instead of failing or passing. A failure while the leader held is a real
     * failure and is thrown at once. {@code body} must be safe to run again (use fresh keys).
     */
    public <T> T withStableLeader(Function<Long, T> body) {
        Throwable last = null;
        for (int attempt = 0; attempt < STABLE_LEADER_ATTEMPTS; attempt++) {
            long leader = leader();
            long term = nodes.get(leader).loop().status().term();
            try {
                T result = body.apply(leader);
                if (stillLeads(leader, term)) {
                    return result;
                }
                System.out.printf("leadership moved from node %d (term %d) during attempt %d; repeating it%n",
                        leader, term, attempt + 1);
            } catch (StatusRuntimeException | AssertionError e) {
                if (stillLeads(leader, term)) {
                    throw e;
                }
                System.out.printf("leadership moved from node %d (term %d) during attempt %d (%s); repeating it%n",
                        leader, term, attempt + 1, e);
                last = e;
            }
        }
        throw new AssertionError("leadership moved during each of " + STABLE_LEADER_ATTEMPTS + " attempts", last);
    }

    private boolean stillLeads(long leader, long term) {
        RaftKvNode node = nodes.get(leader);
        if (node == null) {
            return false;
        }
        LoopStatus status = node.loop().status();
        return status.isLeader() && status.term() == term;
    }

    /** Waits until node {@code id} has applied at least {@code index}. */
    public void awaitApplied(long id, long index, Duration timeout) {
        await(timeout, "node " + id + " to apply index " + index, () -> nodes.get(id).loop().status().applied() >= index);
    }

    /** The Prometheus text node {@code id} serves on /metrics. */
    public String metricsText(long id) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.get(id).metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(RPC_DEADLINE_SECONDS)).build();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(RPC_DEADLINE_SECONDS)).build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET /metrics of node " + id + " answered " + response.statusCode());
            }
            return response.body();
        }
    }

    /**
     * The value of the sample of {@code name} whose labels include every one of {@code labels}
     * ({@code direction="received"}), summed over matching series; 0 when there is none.
     */
    public double metric(long id, String name, String... labels) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : metricsText(id).split("\n")) {
            if (line.startsWith("#") || !(line.startsWith(name + "{") || line.startsWith(name + " "))) {
                continue;
            }
            String series = line.substring(0, line.lastIndexOf(' '));
            boolean matches = true;
            for (String label : labels) {
                matches &= series.contains(label);
            }
            if (matches) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Waits until a running node leads and every running node agrees on it; returns its id. */
    public long awaitLeader(Duration timeout) {
        long[] leader = new long[1];
        await(timeout, "a leader every running node agrees on", () -> {
            long seen = 0;
            for (RaftKvNode node : nodes.values()) {
                LoopStatus status = node.loop().status();
                if (status.leader() == 0 || (seen != 0 && status.leader() != seen)) {
                    return false;
                }
                seen = status.leader();
            }
            leader[0] = seen;
            return seen != 0 && nodes.containsKey(seen) && nodes.get(seen).loop().status().isLeader();
        });
        return leader[0];
    }

    public static void await(Duration timeout, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }

    public List<Throwable> fatalErrors() {
        return fatalErrors;
    }

    @Override
    public void close() {
        for (Long id : new ArrayList<>(nodes.keySet())) {
            stop(id);
        }
        channels.values().forEach(ManagedChannel::shutdownNow);
        if (!fatalErrors.isEmpty()) {
            throw new AssertionError("nodes hit fatal errors: " + fatalErrors, fatalErrors.getFirst());
        }
    }

    private static int freePort() throws IOException {
        return TestPorts.next();
    }
}
