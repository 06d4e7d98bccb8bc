package io.raftkv.server;

import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.Member;
import io.raftkv.proto.command.Command;
import io.raftkv.proto.command.ExpireSessions;
import io.raftkv.proto.raft.RaftPeerGrpc;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Config;
import io.raftkv.raft.RaftNode;
import io.raftkv.server.api.ClusterService;
import io.raftkv.server.api.KvService;
import io.raftkv.server.api.Leadership;
import io.raftkv.server.api.MaintenanceService;
import io.raftkv.server.api.RequestLimits;
import io.raftkv.server.failpoint.Failpoints;
import io.raftkv.server.failpoint.UnsafeLocalReads;
import io.raftkv.server.http.HttpEndpoints;
import io.raftkv.server.http.Readiness;
import io.raftkv.server.http.ReadinessGate;
import io.raftkv.server.loop.ApplyLoop;
import io.raftkv.server.loop.LogWriter;
import io.raftkv.server.loop.LoopLimits;
import io.raftkv.server.loop.LoopStatus;
import io.raftkv.server.loop.RaftLoop;
import io.raftkv.server.loop.Slf4jRaftLogger;
import io.raftkv.server.metrics.LoopMetrics;
import io.raftkv.server.metrics.NodeMetrics;
import io.raftkv.server.peer.PeerChannelFactory;
import io.raftkv.server.peer.PeerConfig;
import io.raftkv.server.peer.PeerListener;
import io.raftkv.server.peer.PeerService;
import io.raftkv.server.peer.PeerTransport;
import io.raftkv.server.storage.NodeStorage;
import io.raftkv.server.storage.StorageOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One raftkv node, wired: storage, the raft and apply loops, the peer transport, the client and
 * peer gRPC servers, metrics and HTTP endpoints. Built fully by {@link #start} or not at all;
 * {@link #close} stops it in the reverse order (stop taking requests, finish in-flight applies,
 * close RocksDB cleanly).
 */
public final class RaftKvNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftKvNode.class);
    /** Room in a raft entry around the key and value of the largest allowed write. */
    private static final int COMMAND_OVERHEAD_BYTES = 64 * 1024;

    private final NodeConfig config;
    private final NodeStorage storage;
    private final NodeMetrics metrics;
    private final ScheduledExecutorService scheduler;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ReadinessGate readiness = new ReadinessGate();
    private volatile RaftLoop loop;
    private PeerTransport transport;
    private Server peerServer;
    private Server clientServer;
    private HttpEndpoints http;
    private ThreadPoolExecutor clientExecutor;
    private ThreadPoolExecutor peerExecutor;
    private volatile boolean closed;

    private RaftKvNode(NodeConfig config, NodeStorage storage, NodeMetrics metrics) {
        this.config = config;
        this.storage = storage;
        this.metrics = metrics;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("raftkv-scheduler-" + config.nodeId()));
    }

    /**
     * Opens (or bootstraps) the node's data and starts serving.
     *
     * @param onFatal called once if the node's state can no longer be trusted (Main halts the process)
     */
    public static RaftKvNode start(NodeConfig config, Consumer<Throwable> onFatal) throws IOException {
        Files.createDirectories(config.dataDir());
        StorageOptions options = new StorageOptions(StorageOptions.DEFAULTS.tailCacheBytesMax(), config.diskReserveBytes(),
                config.snapshotRetainEntries(), StorageOptions.DEFAULTS.walSegmentBytes());
        NodeStorage storage = NodeStorage.open(config.dataDir(), config.clusterId(), config.nodeId(), options);
        NodeMetrics metrics = null;
        RaftKvNode node = null;
        try {
            if (storage.isEmpty() && !config.join()) {
                storage.bootstrap(initialConfState(config), initialMembers(config));
            }
            metrics = new NodeMetrics(config.nodeId(), config.dataDir());
            node = new RaftKvNode(config, storage, metrics);
            node.wire(onFatal);
            return node;
        } catch (IOException | RuntimeException | Error e) {
            if (node != null) {
                node.close();
            } else {
                if (metrics != null) {
                    metrics.close();
                }
                storage.close();
            }
            throw e;
        }
    }

    private void wire(Consumer<Throwable> onFatal) throws IOException {
        long id = config.nodeId();
        Consumer<Throwable> fatal = error -> {
            health.setStatus("", ServingStatus.NOT_SERVING);
            onFatal.accept(error);
        };
        PeerConfig peerConfig = PeerConfig.builder(config.clusterId(), id, storage.directory().snapshots()).build();
        transport = new PeerTransport(peerConfig, new PeerListener() {
            @Override
            public void unreachable(long peer) {
                RaftLoop current = loop;
                if (current != null) {
                    current.reportUnreachable(peer);
                }
            }

            @Override
            public void snapshotDone(long peer, boolean ok) {
                RaftLoop current = loop;
                if (current != null) {
                    current.reportSnapshot(peer, ok);
                }
            }
        }, PeerChannelFactory.plaintext(peerConfig));
        transport.updatePeers(peerAddresses());

        RaftNode node = new RaftNode(raftConfig(), storage.log());
        LoopMetrics observer = new LoopMetrics(metrics, () -> loop.status());
        Failpoints failpoints = Failpoints.of(config.failpoints(), id); // disabled (free) unless --failpoints
        ApplyLoop applyLoop = new ApplyLoop(id, storage.stateMachine(), storage.checkpoints(),
                config.snapshotEntries(), config.snapshotRetainEntries(), config.applyQueueCapacity(),
                config.readQueueCapacity(), observer, () -> transport.updatePeers(peerAddresses()), fatal, failpoints);
        LogWriter logWriter = new LogWriter() {
            @Override
            public void save(io.raftkv.raft.HardState hardState, List<io.raftkv.raft.Entry> entries,
                             io.raftkv.raft.Snapshot snapshot, boolean sync) {
                failpoints.hit(Failpoints.BEFORE_LOG_APPEND);
                storage.log().save(hardState, entries, snapshot, sync);
                failpoints.hit(Failpoints.AFTER_LOG_APPEND);
            }

            @Override
            public void compact(io.raftkv.raft.SnapshotMetadata snapshot, byte[] descriptor, long retainEntries) {
                storage.log().compact(snapshot, descriptor, retainEntries);
            }
        };
        LoopLimits limits = new LoopLimits(config.tickMillis(), config.inboundQueueCapacity(),
                config.proposalQueueCapacity(), config.readQueueCapacity(), config.applyQueueCapacity(), 4L << 20);
        loop = new RaftLoop(node, logWriter, transport::sendAll, applyLoop, limits, observer, fatal);

        PeerService peerService = new PeerService(peerConfig, loop::offerInbound);
        metrics.bindPeerCounters(transport.counters(), peerService.counters());
        metrics.registerQueue("proposals", loop::proposalDepth, config.proposalQueueCapacity());
        metrics.registerQueue("inbound", loop::inboundDepth, config.inboundQueueCapacity());
        metrics.registerQueue("reads", loop::readDepth, config.readQueueCapacity());
        metrics.registerQueue("apply", applyLoop::queueDepth, config.applyQueueCapacity());

        peerExecutor = boundedPool("raftkv-peer-" + id, 4, 1024);
        NettyServerBuilder peerBuilder = CallExecutors.apply(NettyServerBuilder.forAddress(config.peerListen().resolve()),
                Set.of(RaftPeerGrpc.getSendMethod().getFullMethodName()), peerExecutor).addService(peerService);
        PeerService.applyServerLimits(peerBuilder, peerConfig);
        peerServer = peerBuilder.build().start();

        loop.start();

        Leadership leadership = new Leadership(loop, storage.stateMachine());
        RequestLimits requestLimits = new RequestLimits(config.keyBytesMax(), config.valueBytesMax(), config.txnOpsMax(),
                config.requestTimeoutMillis());
        clientExecutor = boundedPool("raftkv-client-" + id, Math.max(4, Runtime.getRuntime().availableProcessors() * 2), 16384);
        Set<String> nonBlocking = Set.of(KVGrpc.getPutMethod().getFullMethodName(),
                KVGrpc.getDeleteRangeMethod().getFullMethodName(), KVGrpc.getTxnMethod().getFullMethodName(),
                KVGrpc.getRangeMethod().getFullMethodName(), KVGrpc.getStreamMethod().getFullMethodName());
        clientServer = CallExecutors.apply(NettyServerBuilder.forAddress(config.clientListen().resolve()),
                        nonBlocking, clientExecutor)
                // Clients ping every 30 s to notice dead connections; accept it rather than GOAWAY.
                .permitKeepAliveTime(10, TimeUnit.SECONDS)
                .permitKeepAliveWithoutCalls(true)
                .maxInboundMessageSize(config.keyBytesMax() + config.valueBytesMax() + COMMAND_OVERHEAD_BYTES)
                .addService(ServerInterceptors.intercept(new KvService(config.clusterId(), loop, storage.stateMachine(),
                        requestLimits, leadership, metrics::recordGrpcRequest, System::currentTimeMillis,
                        storage.diskReserve()::checkWritable, clientExecutor), readInterceptors()))
                .addService(new ClusterService(config.clusterId(), loop, storage.stateMachine(), leadership,
                        config.requestTimeoutMillis(), metrics::recordGrpcRequest))
                .addService(new MaintenanceService(config.clusterId(), loop, storage.stateMachine(), leadership,
                        config.requestTimeoutMillis(), metrics::recordGrpcRequest, scheduler))
                .addService(health.getHealthService())
                .build().start();
        health.setStatus("", ServingStatus.SERVING);

        http = HttpEndpoints.start(config.metricsListen().resolve(), metrics::scrape, loop::isAlive, this::readiness);
        long expireEvery = Math.max(1000, config.sessionTtlMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::expireSessions, expireEvery, expireEvery, TimeUnit.MILLISECONDS);
        log.info("node={} started cluster={} client={} peer={} metrics={} data={} {}", id, config.clusterId(),
                clientPort(), peerPort(), metricsPort(), config.dataDir(), config.describe());
        warnTestOnly(config, failpoints);
    }

    /** Empty, except under the deliberately broken --unsafe-broken-reads test mode. */
    private List<ServerInterceptor> readInterceptors() {
        return config.unsafeBrokenReads() ? List.of(new UnsafeLocalReads()) : List.of();
    }

    /** Says loudly, at startup, that test-only faults are armed in this process. */
    private static void warnTestOnly(NodeConfig config, Failpoints failpoints) {
        if (config.unsafeBrokenReads()) {
            log.error("node={} UNSAFE --unsafe-broken-reads is set: linearizable reads are served locally without "
                    + "ReadIndex and MAY BE STALE; a test-only mode, never use it for real data", config.nodeId());
        }
        if (failpoints.enabled()) {
            log.warn("node={} failpoints armed (test only): {}", config.nodeId(), failpoints.describe());
        }
    }

    private Config raftConfig() {
        long entryBytesMax = (long) config.keyBytesMax() + config.valueBytesMax() + COMMAND_OVERHEAD_BYTES;
        // One AppendEntries holds up to two of the largest entries and always fits a peer batch (4 MiB).
        long messageBytesMax = Math.max(1L << 20, 2 * entryBytesMax);
        return Config.defaults(config.nodeId(), new SecureRandom().nextLong())
                .withTicks(config.electionTicks(), config.heartbeatTicks())
                .withLimits(messageBytesMax, entryBytesMax, 256, 64L << 20, 64L << 20, 16L << 20, config.readQueueCapacity())
                .withLogger(new Slf4jRaftLogger());
    }

    private Readiness readiness() {
        RaftLoop current = loop;
        if (current == null || !current.isAlive()) {
            return Readiness.notReady("raft loop is not running");
        }
        LoopStatus status = current.status();
        return readiness.evaluate(status.leader(), status.commit(), status.applied());
    }

    /** The leader drops client sessions idle for longer than the ttl, through the log. */
    private void expireSessions() {
        RaftLoop current = loop;
        if (current == null || closed || !current.status().isLeader()) {
            return;
        }
        long before = System.currentTimeMillis() - config.sessionTtlMillis();
        byte[] command = Command.newBuilder().setProposedAtMillis(System.currentTimeMillis())
                .setExpireSessions(ExpireSessions.newBuilder().setNowMillis(before)).build().toByteArray();
        current.propose(command).whenComplete((result, error) -> {
            if (error != null) {
                log.warn("node={} could not expire idle sessions: {}", config.nodeId(), error.toString());
            }
        });
    }

    /** Peer addresses: the applied member list once there is one, else the configured initial peers. */
    private Map<Long, String> peerAddresses() {
        Map<Long, String> addresses = new TreeMap<>();
        List<Member> members = storage.stateMachine().members();
        if (members.isEmpty()) {
            config.peers().forEach((peer, address) -> addresses.put(peer, address.toString()));
        } else {
            members.forEach(member -> addresses.put(member.getId(), member.getPeerUrl()));
        }
        addresses.remove(config.nodeId());
        return addresses;
    }

    private static ConfState initialConfState(NodeConfig config) {
        return ConfState.ofVoters(config.peers().keySet().stream().mapToLong(Long::longValue).toArray());
    }

    private static List<Member> initialMembers(NodeConfig config) {
        List<Member> members = new ArrayList<>();
        for (Map.Entry<Long, ?> peer : config.peers().entrySet()) {
            long id = peer.getKey();
            String client = config.clients().containsKey(id) ? config.clients().get(id).toString() : "";
            members.add(Member.newBuilder().setId(id).setName("node-" + id).setPeerUrl(peer.getValue().toString())
                    .setClientUrl(client).build());
        }
        return members;
    }

    public RaftLoop loop() {
        return loop;
    }

    public NodeConfig config() {
        return config;
    }

    public int clientPort() {
        return ((InetSocketAddress) clientServer.getListenSockets().getFirst()).getPort();
    }

    public int peerPort() {
        return ((InetSocketAddress) peerServer.getListenSockets().getFirst()).getPort();
    }

    public int metricsPort() {
        return http.address().getPort();
    }

    public NodeStorage storage() {
        return storage;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        log.info("node={} stopping", config.nodeId());
        health.enterTerminalState();
        scheduler.shutdownNow();
        if (clientServer != null) {
            clientServer.shutdown();
        }
        if (loop != null) {
            loop.close();
        }
        if (clientServer != null) {
            awaitTermination(clientServer);
        }
        if (transport != null) {
            transport.close();
        }
        if (peerServer != null) {
            peerServer.shutdownNow();
            awaitTermination(peerServer);
        }
        if (http != null) {
            http.close();
        }
        if (clientExecutor != null) {
            clientExecutor.shutdownNow();
        }
        if (peerExecutor != null) {
            peerExecutor.shutdownNow();
        }
        storage.close();
        metrics.close();
        log.info("node={} stopped", config.nodeId());
    }

    private static void awaitTermination(Server server) {
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
    }

    private static ThreadPoolExecutor boundedPool(String name, int threads, int queue) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                daemon(name), new ThreadPoolExecutor.AbortPolicy());
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
