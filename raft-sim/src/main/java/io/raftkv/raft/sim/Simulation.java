package io.raftkv.raft.sim;

import io.raftkv.check.CheckResult;
import io.raftkv.check.LinearizabilityChecker;
import io.raftkv.check.Verdict;
import io.raftkv.raft.BrokenRule;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.ReadState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One seed, start to end. Every random choice comes from a stream split off
 * {@code new SplittableRandom(seed)}; nodes are visited in id order; no clock is read. Phases:
 * <ol>
 *   <li>chaos: clients run while faults, membership changes, transfers and compactions happen;
 *       Raft's safety properties are checked at every Ready ({@link SafetyMonitor});</li>
 *   <li>heal: every fault ends; a leader must commit a proposal within
 *       {@link #LIVENESS_ELECTION_TIMEOUTS} election timeouts;</li>
 *   <li>settle: outstanding client operations finish or time out; then a linearizable read of
 *       every key through ReadIndex is recorded in the history;</li>
 *   <li>verdict: every acknowledged write is in the final leader's committed log, and the whole
 *       history is linearizable.</li>
 * </ol>
 * Single-threaded and deterministic; many seeds run in parallel, one per thread.
 */
public final class Simulation implements NodeEvents {
    static final int LIVENESS_ELECTION_TIMEOUTS = 20;
    static final int LIVENESS_TICKS_MAX_TIMEOUTS = 300;
    static final int FINAL_READ_ATTEMPTS_MAX = 10;
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);

    private final Scenario scenario;
    private final Trace trace;
    private final Network network;
    private final SafetyMonitor monitor;
    private final Cluster cluster;
    private final HistoryLog history;
    private final Clients clients;
    private final FaultInjector faults;
    private final Membership membership;
    private final SplittableRandom compaction;
    private final LivenessProbe probe = new LivenessProbe();
    private long now;

    private Simulation(Scenario scenario, SplittableRandom root, Options options) {
        this.scenario = scenario;
        this.trace = options.trace();
        this.monitor = new SafetyMonitor(options.promiseChecks());
        this.network = new Network(root.split(), scenario.faults());
        this.cluster = new Cluster(scenario, network, monitor, trace, root.split(), root.split(), options.coreLog());
        this.history = new HistoryLog(scenario.workload().keys());
        this.clients = new Clients(cluster, history, root.split(), scenario.workload());
        this.faults = new FaultInjector(cluster, clients, scenario.faults(), scenario.raft().electionTicks(), root.split());
        this.membership = new Membership(cluster, root.split(), scenario.faults().membershipRate(), scenario.nodes());
        this.compaction = root.split();
        cluster.setEvents(this);
    }

    /**
     * How a seed runs besides its scenario.
     *
     * @param trace         where the event trace goes (off in batches)
     * @param coreLog       interleave raft-core's own log lines with the trace
     * @param promiseChecks check durable promises directly (acks leave only after persisting); tests
     *                      turn it off to show that the other checks catch a broken one too
     */
    record Options(Trace trace, boolean coreLog, boolean promiseChecks) {
        static final Options BATCH = new Options(Trace.off(), false, true);
    }

    /** A replayed seed: its result, and its history and trace size for the report. */
    record Replay(SeedResult result, List<String> historyLines, long traceLines) {}

    /** Runs one seed. The scenario is drawn from the seed's first split stream. */
    static SeedResult run(long seed, int nodes, FaultProfile profile, Set<BrokenRule> brokenRules, Options options) {
        return replay(seed, nodes, profile, brokenRules, options).result();
    }

    /** Runs one seed and keeps its history. */
    static Replay replay(long seed, int nodes, FaultProfile profile, Set<BrokenRule> brokenRules, Options options) {
        SplittableRandom root = new SplittableRandom(seed);
        Scenario scenario = Scenario.draw(seed, nodes, profile, brokenRules, root.split());
        Simulation simulation = new Simulation(scenario, root, options);
        SeedResult result = simulation.execute();
        return new Replay(result, options.trace().on() ? simulation.history.jsonLines() : List.of(),
                options.trace().lines());
    }

    private SeedResult execute() {
        String property = null;
        String detail = null;
        String undecided = null;
        try {
            trace.add("scenario " + scenario);
            cluster.bootstrap();
            while (now < scenario.workload().chaosTicks()) {
                step();
            }
            heal();
            awaitLiveness();
            awaitClients();
            finalReads();
            awaitLiveness();
            checkAcknowledgedWritesKept(probe.node());
            undecided = checkLinearizable();
        } catch (SimulationViolation violation) {
            property = violation.property();
            detail = violation.getMessage();
        } catch (AssertionError | RuntimeException | StackOverflowError failure) {
            // The core's own invariants (Invariants.check) and anything unexpected stop the seed too.
            property = failure instanceof AssertionError ? "invariant" : "exception";
            detail = describe(failure);
        }
        if (property != null) {
            trace.add("VIOLATION " + property + ": " + detail);
        }
        SeedResult.Stats stats = new SeedResult.Stats(now, network.sent(), network.delivered(), clients.completed(),
                history.size(), monitor.leadersElected(), monitor.appliedIndexMax(), faults.summary(), membership.changes());
        return new SeedResult(scenario, property, detail, undecided, stats, trace.hash());
    }

    /** One tick: faults and operator actions, clients, message delivery, then every node ticks. */
    private void step() {
        cluster.setNow(now);
        faults.step();
        membership.step();
        maybeCompact();
        clients.step();
        cluster.deliverDue();
        cluster.tickNodes();
        now++;
    }

    private void maybeCompact() {
        double rate = scenario.faults().compactionRate();
        if (rate == 0 || compaction.nextDouble() >= rate) {
            return;
        }
        List<SimNode> live = new ArrayList<>();
        for (SimNode node : cluster.nodes()) {
            if (node.accepting()) {
                live.add(node);
            }
        }
        if (!live.isEmpty()) {
            live.get(compaction.nextInt(live.size())).compact();
        }
    }

    private void heal() {
        cluster.setNow(now);
        membership.stop();
        faults.heal();
    }

    /**
     * Liveness after healing: a leader must emerge within {@link #LIVENESS_ELECTION_TIMEOUTS}
     * election timeouts, and a fresh proposal must commit. Catching a lagging voter up one small
     * append at a time can legitimately take longer than that, so the commit's bound is on
     * stalling: the cluster must keep making progress (some node applies or persists more) at
     * least once every {@link #LIVENESS_ELECTION_TIMEOUTS} election timeouts, and must commit
     * within {@link #LIVENESS_TICKS_MAX_TIMEOUTS} election timeouts in all.
     */
    private void awaitLiveness() {
        int window = LIVENESS_ELECTION_TIMEOUTS * scenario.raft().electionTicks();
        long hardLimit = now + (long) LIVENESS_TICKS_MAX_TIMEOUTS * scenario.raft().electionTicks();
        awaitLeader();
        probe.reset();
        long lastProgress = now;
        long progressMark = progressMark();
        while (!probe.done()) {
            long mark = progressMark();
            if (mark != progressMark) {
                progressMark = mark;
                lastProgress = now;
            }
            SimulationViolation.check(now - lastProgress < window && now < hardLimit, "liveness",
                    "no leader committed a proposal after healing: %s for %d ticks (%s)",
                    now < hardLimit ? "no progress" : "still nothing committed", now < hardLimit ? window
                            : LIVENESS_TICKS_MAX_TIMEOUTS * scenario.raft().electionTicks(), describeLeader());
            SimNode leader = cluster.leader();
            if (leader != null && leader.accepting() && !probe.waitingOn(leader)) {
                cluster.setNow(now);
                probe.propose(leader, clients.newOpId());
                leader.drain();
            }
            if (!probe.done()) {
                step();
            }
        }
    }

    /** Changes whenever some up node applies or persists more: the cluster is moving. */
    private long progressMark() {
        long mark = 0;
        for (SimNode node : cluster.nodes()) {
            if (node.up()) {
                mark += node.machine().applied() * 31 + node.disk.lastIndex();
            }
        }
        return mark;
    }

    private void awaitClients() {
        clients.stopInvoking();
        long limit = now + scenario.workload().opTimeoutTicks() + 2;
        while (!clients.idle()) {
            SimulationViolation.check(now < limit, "simulator", "client operations outstanding past their timeout");
            step();
        }
    }

    /** A linearizable read of every key through ReadIndex at the leader, recorded in the history. */
    private void finalReads() {
        for (int key = 0; key < scenario.workload().keys(); key++) {
            for (int attempt = 0; ; attempt++) {
                SimulationViolation.check(attempt < FINAL_READ_ATTEMPTS_MAX, "liveness",
                        "no final read of k%d succeeded in %d attempts after healing", key, FINAL_READ_ATTEMPTS_MAX);
                SimNode leader = awaitLeader();
                cluster.setNow(now);
                clients.finalRead(key, leader);
                long limit = now + scenario.workload().opTimeoutTicks() + 2;
                while (!clients.finalReaderIdle()) {
                    SimulationViolation.check(now < limit, "simulator", "final read outstanding past its timeout");
                    step();
                }
                if (clients.lastFinalReadOk()) {
                    break;
                }
            }
        }
    }

    /** The leader's view of its followers, for a liveness report. */
    private String describeLeader() {
        SimNode leader = cluster.leader();
        if (leader == null) {
            return "no leader";
        }
        var status = leader.raft().status();
        return "leader n" + leader.id + " term=" + status.term() + " commit=" + status.commit() + " last="
                + status.lastIndex() + " progress=" + status.progress();
    }

    private SimNode awaitLeader() {
        long limit = now + (long) LIVENESS_ELECTION_TIMEOUTS * scenario.raft().electionTicks();
        while (cluster.leader() == null || !cluster.leader().accepting()) {
            SimulationViolation.check(now < limit, "liveness", "no leader within %d ticks after healing",
                    LIVENESS_ELECTION_TIMEOUTS * scenario.raft().electionTicks());
            step();
        }
        return cluster.leader();
    }

    /** No acknowledged write lost: each is in the committed log (or snapshot) of the final leader. */
    private void checkAcknowledgedWritesKept(SimNode leader) {
        long commit = leader.raft().status().commit();
        long compacted = leader.disk.snapshot().index();
        for (Clients.Acknowledged write : clients.acknowledged()) {
            SimulationViolation.check(write.index() <= commit, "acknowledged write lost",
                    "%s acknowledged at %d/%d is beyond the final leader n%d's commit %d",
                    write.description(), write.term(), write.index(), leader.id, commit);
            Entry entry = write.index() <= compacted ? monitor.appliedAt(write.index())
                    : leader.raft().entries(write.index(), write.index() + 1).getFirst();
            SimulationViolation.check(entry != null && entry.term() == write.term() && entry.type() == EntryType.NORMAL
                            && entry.data().length == KvCommand.ENCODED_BYTES
                            && KvCommand.decode(entry.data()).opId() == write.opId(), "acknowledged write lost",
                    "%s acknowledged at %d/%d is not in the final leader n%d's log: it holds %s there",
                    write.description(), write.term(), write.index(), leader.id, entry);
        }
    }

    /** Returns null when linearizable, the reason when the checker gave up; throws on a violation. */
    private String checkLinearizable() {
        CheckResult result = LinearizabilityChecker.check(history.toHistory(), CHECK_TIMEOUT);
        // Not result.summary(): it carries the checker's wall time, and the trace must replay exactly.
        trace.add("history checked: " + result.verdict().getClass().getSimpleName() + " (" + result.operationCount()
                + " operations, " + result.keys().size() + " keys)");
        return switch (result.verdict()) {
            case Verdict.Linearizable yes -> null;
            case Verdict.Unknown unknown -> unknown.reason();
            case Verdict.NotLinearizable no -> throw new SimulationViolation("linearizability", result.report());
        };
    }

    private static String describe(Throwable failure) {
        StringBuilder out = new StringBuilder(String.valueOf(failure));
        StackTraceElement[] frames = failure.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 8); i++) {
            out.append("\n      at ").append(frames[i]);
        }
        return out.toString();
    }

    // ---------------------------------------------------------------- NodeEvents

    @Override
    public void onApplied(SimNode node, Entry entry, KvCommand command, boolean tookEffect) {
        clients.onApplied(node, entry, command, tookEffect);
        probe.onApplied(node, entry, command);
    }

    @Override
    public void onSnapshotRestored(SimNode node, long index) {
        clients.onSnapshotRestored(node, index);
    }

    @Override
    public void onReadReady(SimNode node, ReadState readState) {
        clients.onReadReady(node, readState);
    }

    @Override
    public void onBecameLeader(SimNode node) {
        faults.onBecameLeader(node);
    }

    @Override
    public void onLeaderCommitted(SimNode node) {
        faults.onLeaderCommitted(node);
    }

    @Override
    public void onDown(SimNode node) {
        clients.onDown(node);
        faults.onDown(node);
    }
}
