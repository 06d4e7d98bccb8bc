package io.raftkv.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.DiskSpaceMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.StateRole;
import io.raftkv.server.peer.PeerServiceCounters;
import io.raftkv.server.peer.PeerTransportCounters;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A node's metrics: one Prometheus registry with dotted names and tags (Prometheus sees
 * {@code raft.proposals{result,reason}} as {@code raft_proposals_total{result,reason}}), plus the
 * JVM's GC pauses, memory, threads, CPU, file descriptors and the data directory's free space.
 * Callers record through one short method per event, so the raft loop stays free of Micrometer.
 *
 * <p>Thread-safe: every method may be called from any thread, and none blocks. Tag values that
 * callers pass in (drop reasons, gRPC methods) are capped at {@link #TAG_VALUES_MAX} distinct
 * values per meter; later ones are counted under {@code other}, so a bug cannot grow the scrape
 * without bound.
 */
public final class NodeMetrics implements AutoCloseable {

    /** Most distinct values of a caller-supplied tag per meter; beyond it, {@link #OTHER}. */
    public static final int TAG_VALUES_MAX = 64;
    /** The tag value that absorbs values beyond {@link #TAG_VALUES_MAX}. */
    public static final String OTHER = "other";

    /** Role codes of the {@code raft.role} gauge. */
    public static final int ROLE_FOLLOWER = 0;
    public static final int ROLE_PRE_CANDIDATE = 1;
    public static final int ROLE_CANDIDATE = 2;
    public static final int ROLE_LEADER = 3;

    /** gRPC latency buckets: fixed, so each method and status adds 14 series, not a hundred. */
    private static final Duration[] REQUEST_BUCKETS = {
        Duration.ofMillis(1).dividedBy(2), Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
        Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
        Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*");

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gcMetrics;
    private final JvmHeapPressureMetrics heapPressureMetrics;

    private final Counter proposalsAccepted;
    private final ConcurrentMap<String, Counter> proposalsDropped = new ConcurrentHashMap<>();
    private final Counter commits;
    private final Counter applies;
    private final Timer applyDuration;
    private final Timer fsyncLatency;
    private final DistributionSummary fsyncEntries;
    private final Timer readIndexLatency;
    private final Counter readIndexResent;
    private final Counter leaderChanges;
    private final ConcurrentMap<String, Timer> grpcRequests = new ConcurrentHashMap<>();
    /** The same timers as grpcRequests, by method then status. */
    private final ConcurrentMap<String, Map<String, Timer>> grpcRequestsByMethod = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> snapshotDurations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, DistributionSummary> snapshotSizes = new ConcurrentHashMap<>();

    private final AtomicLong term = new AtomicLong();
    private final AtomicInteger role = new AtomicInteger(ROLE_FOLLOWER);
    private final AtomicLong leader = new AtomicLong();
    private final AtomicLong commitIndex = new AtomicLong();
    private final AtomicLong appliedIndex = new AtomicLong();
    private final AtomicLong snapshotStartedIndex = new AtomicLong();

    /**
     * Builds the registry and binds the JVM meters.
     *
     * @param nodeId  added to every meter as tag {@code node.id}
     * @param dataDir whose disk's free and total space are reported ({@code disk.free{path}}); create
     *                it first, as a missing directory reports 0 bytes free
     */
    public NodeMetrics(long nodeId, Path dataDir) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("node.id", Long.toString(nodeId));

        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        heapPressureMetrics = new JvmHeapPressureMetrics();
        heapPressureMetrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new DiskSpaceMetrics(dataDir.toFile()).bindTo(registry);

        proposalsAccepted = proposalCounter("accepted", "none");
        // No base units on these counters: Prometheus would call them raft_commits_entries_total.
        commits = Counter.builder("raft.commits").description("log entries this node learned are committed")
                .register(registry);
        applies = Counter.builder("raft.applies").description("log entries applied to the state machine")
                .register(registry);
        applyDuration = Timer.builder("raft.apply.duration").description("time to apply one batch of entries")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        // Our disks sync a small write in 0.1 to 0.3 ms; 10 us to 10 s spans a RAM disk to a dying one.
        fsyncLatency = Timer.builder("raft.fsync.latency").description("one synced write of log entries and hard state")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        fsyncEntries = DistributionSummary.builder("raft.fsync.entries").description("entries per synced write (group commit)")
                .baseUnit("entries").register(registry);
        readIndexLatency = Timer.builder("raft.readindex.latency").description("from a read request to its read index being applied")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry);
        readIndexResent = Counter.builder("raft.readindex.resent")
                .description("read-index rounds a follower sent again after 500 ms without an answer").register(registry);
        leaderChanges = Counter.builder("raft.leader.changes").description("times this node saw a new leader")
                .register(registry);

        Gauge.builder("raft.term", term, AtomicLong::get).description("current term").register(registry);
        Gauge.builder("raft.role", role, AtomicInteger::get)
                .description("0 follower, 1 pre-candidate, 2 candidate, 3 leader").register(registry);
        Gauge.builder("raft.is.leader", role, r -> r.get() == ROLE_LEADER ? 1 : 0)
                .description("1 on the leader, 0 elsewhere").register(registry);
        Gauge.builder("raft.has.leader", leader, l -> l.get() != 0 ? 1 : 0)
                .description("1 if this node knows a leader").register(registry);
        Gauge.builder("raft.commit.index", commitIndex, AtomicLong::get).register(registry);
        Gauge.builder("raft.applied.index", appliedIndex, AtomicLong::get).register(registry);
        // Tells an operator whether the nodes' checkpoints are spread over the interval, as meant.
        Gauge.builder("raft.snapshot.started.index", snapshotStartedIndex, AtomicLong::get)
                .description("applied index when this node last started a checkpoint").register(registry);
    }

    // ---- Proposals, commits, applies, fsync ------------------------------------------------

    public void proposalsAccepted(int count) {
        proposalsAccepted.increment(count);
    }

    /** {@code count} proposals dropped for {@code reason} ({@code NO_LEADER}, {@code QUEUE_FULL}, ...). */
    public void proposalsDropped(String reason, int count) {
        bounded(proposalsDropped, reason, r -> proposalCounter("dropped", r)).increment(count);
    }

    public void committed(int entries) {
        commits.increment(entries);
    }

    /** One batch of {@code entries} applied to the state machine in {@code nanos}. */
    public void applied(int entries, long nanos) {
        applies.increment(entries);
        applyDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One synced log write of {@code entries} entries (0 for a hard-state-only write) took {@code nanos}. */
    public void recordFsync(long nanos, int entries) {
        fsyncLatency.record(nanos, TimeUnit.NANOSECONDS);
        fsyncEntries.record(entries);
    }

    // ---- Raft state ------------------------------------------------------------------------

    public void term(long value) {
        term.set(value);
    }

    public void role(StateRole value) {
        role.set(roleCode(value));
    }

    /**
     * The leader this node knows of, 0 for none. Counts a leader change, as etcd does, whenever the
     * leader becomes a known id different from the last one reported (1, 0, 1 counts twice: the
     * cluster was without a leader in between).
     */
    public void leader(long leaderId) {
        long previous = leader.getAndSet(leaderId);
        if (leaderId != 0 && leaderId != previous) {
            leaderChanges.increment();
        }
    }

    /** Role and leader from the raft core's soft state. */
    public void softState(SoftState state) {
        role(state.role());
        leader(state.leader());
    }

    public void commitIndex(long index) {
        commitIndex.set(index);
    }

    public void appliedIndex(long index) {
        appliedIndex.set(index);
    }

    /** The code {@code raft.role} reports for {@code value}. */
    public static int roleCode(StateRole value) {
        return switch (value) {
            case FOLLOWER -> ROLE_FOLLOWER;
            case PRE_CANDIDATE -> ROLE_PRE_CANDIDATE;
            case CANDIDATE -> ROLE_CANDIDATE;
            case LEADER -> ROLE_LEADER;
        };
    }

    // ---- Reads, snapshots, peers, requests -------------------------------------------------

    /** A linearizable read waited {@code nanos} for its read index to be confirmed and applied. */
    public void recordReadIndex(long nanos) {
        readIndexLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A follower sent {@code rounds} read-index rounds again. */
    public void readIndexResent(int rounds) {
        readIndexResent.increment(rounds);
    }

    /** This node started a checkpoint with {@code appliedIndex} applied. */
    public void snapshotStarted(long appliedIndex) {
        snapshotStartedIndex.set(appliedIndex);
    }

    /** This node wrote a snapshot of {@code bytes} in {@code nanos}. */
    public void snapshotCreated(long bytes, long nanos) {
        recordSnapshot("created", bytes, nanos);
    }

    /** This node installed a snapshot of {@code bytes} received from the leader, in {@code nanos}. */
    public void snapshotInstalled(long bytes, long nanos) {
        recordSnapshot("installed", bytes, nanos);
    }

    /** This node (a leader) sent a snapshot of {@code bytes} to a follower in {@code nanos}. */
    public void snapshotSent(long bytes, long nanos) {
        recordSnapshot("sent", bytes, nanos);
    }

    /**
     * Exports the peer transport's counters, read at scrape time: {@code raft.peer.messages.sent},
     * {@code .received}, {@code .dropped{direction,reason}}, bytes, stream failures and rejections,
     * snapshot transfers. See {@link PeerMeters} for the names.
     */
    public void bindPeerCounters(PeerTransportCounters outbound, PeerServiceCounters inbound) {
        PeerMeters.bind(registry, outbound, inbound);
    }

    /** A gRPC call to {@code method} ("raftkv.KV/Put") ended with {@code status} ("OK") after {@code nanos}. */
    public void recordGrpcRequest(String method, String status, long nanos) {
        Map<String, Timer> byStatus = grpcRequestsByMethod.get(method);
        Timer timer = byStatus == null ? null : byStatus.get(status);
        if (timer == null) {
            timer = grpcRequestTimer(method, status);
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The timer of a (method, status) pair met for the first time, remembered by method and status
     * so the next call finds it without building the key: that string was a sixth of what the
     * leader allocated. Both come from the services' constants and gRPC's codes, so the pairs are few.
     */
    private Timer grpcRequestTimer(String method, String status) {
        Timer timer = bounded(grpcRequests, method + " " + status, k -> Timer.builder("grpc.server.requests")
                .description("gRPC calls served, by method and status")
                .tags("method", k.equals(OTHER) ? OTHER : method, "status", k.equals(OTHER) ? OTHER : status)
                .serviceLevelObjectives(REQUEST_BUCKETS).register(registry));
        grpcRequestsByMethod.computeIfAbsent(method, m -> new ConcurrentHashMap<>()).putIfAbsent(status, timer);
        return timer;
    }

    // ---- Gauges read at scrape time --------------------------------------------------------

    /**
     * Reports a bounded queue: {@code raft.queue.depth{queue}} read from {@code depth} at each
     * scrape, and {@code raft.queue.capacity{queue}}. Queues: proposals, inbound, apply, reads.
     * {@code depth} must be cheap and thread-safe (such as {@code ArrayBlockingQueue::size}).
     */
    public void registerQueue(String queue, IntSupplier depth, int capacity) {
        checkName(queue);
        Gauge.builder("raft.queue.depth", depth::getAsInt).description("items waiting in a bounded queue")
                .tags("queue", queue).strongReference(true).register(registry);
        Gauge.builder("raft.queue.capacity", () -> capacity).description("capacity of a bounded queue")
                .tags("queue", queue).strongReference(true).register(registry);
    }

    /**
     * Any other gauge, read from {@code value} at each scrape. {@code tags} are key, value pairs.
     * {@code value} must be cheap, thread-safe and never block: a scrape calls it.
     */
    public void registerGauge(String name, Supplier<Number> value, String... tags) {
        checkName(name);
        Gauge.builder(name, value).tags(tags).strongReference(true).register(registry);
    }

    /** The registry itself, for binders this class does not know (gRPC, RocksDB statistics). */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Every meter in the Prometheus text format, version 0.0.4. */
    public String scrape() {
        return registry.scrape();
    }

    /** Stops the GC and heap-pressure listeners and closes the registry. */
    @Override
    public void close() {
        gcMetrics.close();
        heapPressureMetrics.close();
        registry.close();
    }

    // ---- Helpers ----------------------------------------------------------------------------

    private Counter proposalCounter(String result, String reason) {
        return Counter.builder("raft.proposals").description("client proposals, accepted or dropped with a reason")
                .tags(Tags.of("result", result, "reason", reason)).register(registry);
    }

    private void recordSnapshot(String kind, long bytes, long nanos) {
        snapshotSizes.computeIfAbsent(kind, k -> DistributionSummary.builder("raft.snapshot.bytes")
                .description("snapshot sizes").baseUnit("bytes").tags("kind", k).register(registry)).record(bytes);
        snapshotDurations.computeIfAbsent(kind, k -> Timer.builder("raft.snapshot.duration")
                .description("time to create, install or send a snapshot").tags("kind", k).register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * The meter for {@code key}, created on first use; once {@link #TAG_VALUES_MAX} keys exist, new
     * keys share the meter made for {@link #OTHER}. Two threads racing past the check can add one
     * key each beyond the cap: the bound is loose by the number of threads, never unbounded.
     */
    private static <M> M bounded(ConcurrentMap<String, M> meters, String key, Function<String, M> create) {
        M meter = meters.get(key);
        if (meter != null) {
            return meter;
        }
        return meters.computeIfAbsent(meters.size() < TAG_VALUES_MAX ? key : OTHER, create);
    }

    private static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("meter name or tag '" + name + "' must be lowercase and dotted, like raft.queue.depth");
        }
    }
}
