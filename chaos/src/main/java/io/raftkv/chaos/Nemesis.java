package io.raftkv.chaos;

import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.Member;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The fault schedule: after a quiet start, it deals a kind (seeded, see {@link #draw}), injects it for
 * a hold of 1 to 2.5 s, heals it, waits 0.3 to 1 s, and again, until the run's end; one fault at a time, so each
 * line of the log is one cause. {@link #healEverything} then undoes whatever may be left. The same
 * seed gives the same sequence of kinds, holds and target choices (targets named by role, e.g. "the
 * leader", resolve to whoever plays it at that moment). Not thread-safe: runs on one thread.
 */
final class Nemesis {
    private static final Duration QUIET_START = Duration.ofSeconds(2);

    private final List<FaultKind> kinds;
    private final Nodes nodes;
    private final Faults faults;
    private final LeaderWatch leaders;
    private final EventLog log;
    private final SplittableRandom random;
    private final Map<FaultKind, Integer> injected = new EnumMap<>(FaultKind.class);
    /** Kinds still to deal this round (see {@link #draw}). */
    private final List<FaultKind> deck = new ArrayList<>();
    private volatile Throwable failure;

    Nemesis(ChaosOptions options, Nodes nodes, Network network, ClusterClient client, LeaderWatch leaders, EventLog log) {
        this.kinds = new ArrayList<>(options.faultsInOrder());
        this.nodes = nodes;
        this.leaders = leaders;
        this.log = log;
        this.random = new SplittableRandom(options.seed());
        this.faults = new Faults(nodes, network, client, leaders, log, random.split());
    }

    /** Injects faults until {@code endNanos} (System.nanoTime), then returns; the last fault is healed. */
    void run(long endNanos) {
        try {
            sleepUntil(Math.min(endNanos, System.nanoTime() + QUIET_START.toNanos()));
            while (System.nanoTime() + Duration.ofSeconds(2).toNanos() < endNanos) {
                FaultKind kind = draw();
                long remaining = endNanos - System.nanoTime();
                Duration hold = Duration.ofMillis(Math.min(1000 + random.nextInt(1500), remaining / 1_000_000));
                if (faults.inject(kind, hold)) {
                    injected.merge(kind, 1, Integer::sum);
                }
                sleepUntil(Math.min(endNanos, System.nanoTime() + Duration.ofMillis(300 + random.nextInt(700)).toNanos()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
            log.event("nemesis failed: %s", e);
        }
    }

    /**
     * The next kind, dealt from a shuffled deck that holds every enabled kind (twice, or once for the
     * slow kinds), reshuffled when empty. Unlike independent draws, a deck shows every kind once per
     * round, so even a bounded CI run sees them all. Membership changes and failpoints take a node
     * through a JVM start and a catch-up (5 to 10 s on a busy 2-core host, against 1 to 3 s for the
     * others), so they get one card against two: a bounded run then sees more faults.
     */
    private FaultKind draw() {
        if (deck.isEmpty()) {
            for (FaultKind kind : kinds) {
                for (int card = 0; card < weight(kind); card++) {
                    deck.add(kind);
                }
            }
            for (int i = deck.size() - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                deck.set(i, deck.set(j, deck.get(i)));
            }
        }
        return deck.remove(deck.size() - 1);
    }

    private static int weight(FaultKind kind) {
        return kind == FaultKind.MEMBERSHIP || kind == FaultKind.FAILPOINT ? 1 : 2;
    }

    /** Faults injected, by kind. */
    Map<FaultKind, Integer> injected() {
        Map<FaultKind, Integer> copy = new EnumMap<>(FaultKind.class);
        copy.putAll(injected);
        return copy;
    }

    int total() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** An exception that stopped the schedule early, or null. */
    Throwable failure() {
        return failure;
    }

    /**
     * Undoes everything: rules and qdiscs, proxies, pauses; restarts dead nodes on their data;
     * promotes a learner left by an interrupted membership change; waits for a leader.
     */
    void healEverything(Duration timeout) throws InterruptedException {
        log.event("heal: removing every rule and proxy, resuming and restarting nodes");
        faults.healEverything();
        for (int slot : nodes.slots()) {
            nodes.resume(slot);
        }
        for (int slot : nodes.slots()) {
            if (!nodes.isRunning(slot)) {
                nodes.start(slot, Map.of(), false);
                log.event("heal: restarted node %d", slot);
            }
        }
        for (int slot : nodes.slots()) {
            faults.awaitServing(slot, timeout);
        }
        int leader = leaders.awaitLeader(timeout);
        log.event("heal: leader is node %s", leader == 0 ? "unknown" : Integer.toString(leader));
        try {
            for (Member member : faults.admin().members(timeout)) {
                if (member.getIsLearner()) {
                    faults.admin().promote(member.getId(), timeout);
                    log.event("heal: promoted learner %d", member.getId());
                }
            }
        } catch (StatusRuntimeException | ChaosException e) {
            log.event("heal: could not check membership: %s", e.getMessage());
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = nanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(Duration.ofNanos(wait));
        }
    }
}
