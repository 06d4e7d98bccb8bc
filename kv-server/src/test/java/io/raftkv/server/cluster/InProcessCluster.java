package io.raftkv.server.cluster;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.server.NodeConfig;
import io.raftkv.server.NodeConfigParser;
import io.raftkv.server.RaftKvNode;
import io.raftkv.server.loop.LoopStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * N real nodes in this JVM: gRPC on loopback, RocksDB in a temp directory, short ticks so tests run
 * fast. Nodes can be stopped and restarted on the same data. Waits are on conditions with deadlines.
 */
public final class InProcessCluster implements AutoCloseable {
    public static final int TICK_MILLIS = 20;

    private final Path root;
    private final TreeMap<Long, int[]> ports = new TreeMap<>();
    private final TreeMap<Long, RaftKvNode> nodes = new TreeMap<>();
    private final Map<Long, ManagedChannel> channels = new TreeMap<>();
    private final List<Throwable> fatalErrors = new CopyOnWriteArrayList<>();
    private final Map<String, String> extraFlags;

    public InProcessCluster(Path root, int size, Map<String, String> extraFlags) throws IOException {
        this.root = root;
        this.extraFlags = extraFlags;
        for (long id = 1; id <= size; id++) {
            ports.put(id, new int[] {freePort(), freePort(), freePort()});
        }
        for (long id = 1; id <= size; id++) {
            start(id);
        }
    }

    public InProcessCluster(Path root, int size) throws IOException {
        this(root, size, Map.of());
    }

    public NodeConfig configFor(long id, boolean join) {
        List<String> args = new ArrayList<>(List.of("--node-id", Long.toString(id), "--cluster-id", "7",
                "--peers", addresses(1), "--clients", addresses(0),
                "--metrics-listen", "127.0.0.1:" + ports.get(id)[2],
                "--data-dir", root.resolve("node-" + id).toString(),
                "--tick-ms", Integer.toString(TICK_MILLIS), "--election-ticks", "10", "--heartbeat-ticks", "1",
                "--request-timeout-ms", "3000"));
        if (join) {
            args.add("--join");
        }
        extraFlags.forEach((flag, value) -> {
            args.add(flag);
            args.add(value);
        });
        return NodeConfigParser.parseConfig(args, Map.of());
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

    /** Adds a new node id to the port table (not yet a member) and starts it in join mode. */
    public RaftKvNode startJoining(long id) throws IOException {
        ports.putIfAbsent(id, new int[] {freePort(), freePort(), freePort()});
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

    public Map<Long, RaftKvNode> running() {
        return nodes;
    }

    public KVGrpc.KVBlockingStub kv(long id) {
        return KVGrpc.newBlockingStub(channel(id)).withDeadlineAfter(5, TimeUnit.SECONDS);
    }

    public ManagedChannel channel(long id) {
        return channels.computeIfAbsent(id, key -> ManagedChannelBuilder.forTarget(clientAddress(key)).usePlaintext().build());
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
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
