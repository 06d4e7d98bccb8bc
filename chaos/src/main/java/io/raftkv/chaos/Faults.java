package io.raftkv.chaos;

import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * One method per fault kind; each injects its fault, holds it for the given time and heals it, and
 * logs every step with its target. Targets are drawn from the nemesis's seeded generator; "the
 * leader" is whoever leads when the fault starts. Each returns false if it could not inject anything
 * (not counted). Not thread-safe: the nemesis thread owns it.
 */
final class Faults {
    /** Server failpoint actions the failpoint fault arms (see io.raftkv.server.failpoint.Failpoints). */
    private static final List<String> CRASH_POINTS = List.of("before-log-append", "after-log-append", "before-apply",
            "after-apply");
    private static final List<String> STALL_POINTS = List.of("before-log-append", "before-apply", "after-apply");
    private static final int FAILPOINT_EXIT_STATUS = 99;
    /** How long a restart waits for the node to serve before the schedule goes on. */
    private static final Duration RESTART_WAIT = Duration.ofMillis(1500);

    private final Nodes nodes;
    private final Network network;
    private final ClusterClient client;
    private final LeaderWatch leaders;
    private final Admin admin;
    private final EventLog log;
    private final SplittableRandom random;
    private final List<DelayProxy> proxies = new ArrayList<>();

    Faults(Nodes nodes, Network network, ClusterClient client, LeaderWatch leaders, EventLog log, SplittableRandom random) {
        this.nodes = nodes;
        this.network = network;
        this.client = client;
        this.leaders = leaders;
        this.admin = new Admin(client, leaders);
        this.log = log;
        this.random = random;
    }

    Admin admin() {
        return admin;
    }

    boolean inject(FaultKind kind, Duration hold) throws InterruptedException {
        return switch (kind) {
            case KILL -> kill(hold);
            case PAUSE -> pause(randomSlot(), hold, "pause");
            case PAUSE_LEADER -> pause(leaderOrRandom(), hold, "pause-leader");
            case PARTITION -> partition(hold);
            case BRIDGE -> bridge(hold);
            case ONEWAY -> oneWay(hold);
            case LOSS -> loss(hold);
            case SLOW -> slow(hold);
            case MEMBERSHIP -> membership();
            case TRANSFER -> transfer();
            case FAILPOINT -> failpoint(hold);
        };
    }

    private boolean kill(Duration hold) throws InterruptedException {
        int target = random.nextBoolean() ? leaderOrRandom() : randomSlot();
        log.event("kill: kill -9 %s", describe(target));
        nodes.kill(target);
        Thread.sleep(hold);
        restartClean(target, "kill", RESTART_WAIT);
        return true;
    }

    private boolean pause(int target, Duration hold, String name) throws InterruptedException {
        log.event("%s: SIGSTOP %s for %.1f s", name, describe(target), hold.toMillis() / 1000.0);
        nodes.pause(target);
        Thread.sleep(hold);
        nodes.resume(target);
        log.event("%s: SIGCONT node %d", name, target);
        return true;
    }

    private boolean partition(Duration hold) throws InterruptedException {
        List<Integer> slots = shuffledSlots();
        int leader = leaders.leaderSlot();
        List<Integer> minority;
        String shape;
        if (leader != 0 && random.nextBoolean()) {
            minority = List.of(leader);
            shape = "isolated leader";
        } else {
            minority = slots.subList(0, (slots.size() - 1) / 2);
            shape = "majority/minority";
        }
        List<Integer> majority = new ArrayList<>(nodes.slots());
        majority.removeAll(minority);
        log.event("partition: %s %s | %s", shape, minority, majority);
        network.cut(minority, majority);
        Thread.sleep(hold);
        network.healAll();
        log.event("partition: healed");
        return true;
    }

    private boolean bridge(Duration hold) throws InterruptedException {
        List<Integer> slots = shuffledSlots();
        int bridge = slots.get(0);
        int half = (slots.size() - 1) / 2;
        List<Integer> one = slots.subList(1, 1 + half);
        List<Integer> other = slots.subList(1 + half, slots.size());
        log.event("bridge: %s | %s, only node %d talks to both", one, other, bridge);
        network.cut(one, other);
        Thread.sleep(hold);
        network.healAll();
        log.event("bridge: healed");
        return true;
    }

    private boolean oneWay(Duration hold) throws InterruptedException {
        int target = leaderOrRandom();
        List<Integer> others = others(target);
        if (random.nextBoolean()) {
            log.event("oneway: node %d hears nobody (drops all it receives from %s)", target, others);
            network.dropInbound(target, others);
        } else {
            log.event("oneway: nobody hears node %d (drops all it sends to %s)", target, others);
            network.dropOutbound(target, others);
        }
        Thread.sleep(hold);
        network.healAll();
        log.event("oneway: healed");
        return true;
    }

    private boolean loss(Duration hold) throws InterruptedException {
        double probability = 0.1 + 0.25 * random.nextDouble();
        List<Integer> targets = random.nextBoolean() ? nodes.slots() : List.of(leaderOrRandom());
        log.event("loss: drop %.0f%% of peer packets arriving at nodes %s", probability * 100, targets);
        network.loss(targets, probability);
        Thread.sleep(hold);
        network.healAll();
        log.event("loss: healed");
        return true;
    }

    private boolean slow(Duration hold) throws InterruptedException {
        int target = leaderOrRandom();
        if (random.nextInt(10) < 6) {
            Duration delay = Duration.ofMillis(50 + random.nextInt(150));
            List<Integer> peers = others(target);
            try {
                for (int peer : peers) {
                    proxies.add(new DelayProxy(new InetSocketAddress(Topology.HOST_ADDRESS, Topology.proxyPort(target, peer)),
                            new InetSocketAddress(Topology.address(peer), Topology.PEER_PORT), delay));
                }
            } catch (IOException e) {
                closeProxies();
                throw new ChaosException("cannot start the delay proxy: " + e.getMessage(), e);
            }
            log.event("slow: node %d's peer connections go through a proxy adding %d ms each way", target,
                    delay.toMillis());
            network.redirectPeersThroughProxy(target, peers);
        } else {
            String rate = List.of("128kbit", "256kbit", "512kbit").get(random.nextInt(3));
            log.event("slow: node %d sends at most %s (tc tbf)", target, rate);
            network.rateLimit(target, rate);
        }
        Thread.sleep(hold);
        int proxied = proxies.stream().mapToInt(DelayProxy::connections).sum();
        healNetworkAndProxies();
        log.event(proxied > 0 ? "slow: healed (the proxy carried " + proxied + " connections)" : "slow: healed");
        return true;
    }

    private boolean membership() throws InterruptedException {
        int leader = leaders.leaderSlot();
        List<Integer> followers = others(leader);
        followers.removeIf(slot -> !nodes.isRunning(slot));
        if (leader == 0 || followers.isEmpty()) {
            log.event("membership: skipped (no leader or no running follower)");
            return false;
        }
        int target = followers.get(random.nextInt(followers.size()));
        long oldId = nodes.memberId(target);
        nodes.expectExit(target, true); // a removed member may stop by itself
        try {
            admin.remove(oldId, Duration.ofSeconds(10));
        } catch (StatusRuntimeException e) {
            nodes.expectExit(target, false);
            log.event("membership: MemberRemove of member %d failed, skipped: %s", oldId, e.getStatus());
            return false;
        }
        log.event("membership: removed member %d (node %d); wiping its data", oldId, target);
        nodes.kill(target);
        long newId = nodes.replace(target);
        admin.addLearner(newId, target, Duration.ofSeconds(30));
        log.event("membership: added member %d as a learner at %s; starting it with --join and empty data", newId,
                Topology.peerAddress(target));
        nodes.start(target, Map.of(), true);
        awaitServing(target, Duration.ofSeconds(20));
        admin.promote(newId, Duration.ofSeconds(30));
        log.event("membership: promoted member %d to voter", newId);
        return true;
    }

    private boolean transfer() {
        int leader = leaders.leaderSlot();
        List<Integer> followers = others(leader);
        followers.removeIf(slot -> !nodes.isRunning(slot));
        if (leader == 0 || followers.isEmpty()) {
            log.event("transfer: skipped (no leader or no running follower)");
            return false;
        }
        int target = followers.get(random.nextInt(followers.size()));
        log.event("transfer: leadership from node %d to node %d", leader, target);
        try {
            admin.transferLeadership(leader, nodes.memberId(target));
            log.event("transfer: node %d leads", target);
        } catch (StatusRuntimeException e) {
            log.event("transfer: refused or timed out: %s", e.getStatus());
        }
        return true;
    }

    private boolean failpoint(Duration hold) throws InterruptedException {
        int target = random.nextBoolean() ? leaderOrRandom() : randomSlot();
        String point;
        String action;
        Duration down = Duration.ZERO;
        int dice = random.nextInt(10);
        if (dice < 5) {
            point = CRASH_POINTS.get(random.nextInt(CRASH_POINTS.size()));
            action = "crash-after:" + (1 + random.nextInt(20));
        } else if (dice < 7) {
            point = STALL_POINTS.get(random.nextInt(STALL_POINTS.size()));
            action = "stall:" + (100 + random.nextInt(300));
        } else if (dice < 9) {
            point = "snapshot-save";
            action = "crash";
            hold = hold.plusSeconds(3); // a checkpoint comes every 300 applied entries: give it time to come
        } else {
            // Down long enough for the leader to compact its log past this node, which then needs a snapshot.
            point = "snapshot-install";
            action = "crash";
            down = Duration.ofSeconds(6);
        }
        log.event("failpoint: kill -9 %s, restart it with --failpoints %s=%s", describe(target), point, action);
        nodes.kill(target);
        Thread.sleep(down);
        nodes.start(target, Map.of(point, action), false);
        awaitServing(target, Duration.ofSeconds(20)); // the hold counts from when it serves (a JVM takes seconds)
        long startNanos = System.nanoTime();
        if (nodes.awaitExit(target, hold.toMillis() + 1500)) {
            OptionalInt status = nodes.exitStatus(target);
            log.event("failpoint: node %d exited with status %s after %.1f s%s", target,
                    status.isPresent() ? status.getAsInt() : "?", (System.nanoTime() - startNanos) / 1e9,
                    status.orElse(-1) == FAILPOINT_EXIT_STATUS ? " (the failpoint fired)" : " (NOT the failpoint status)");
        } else {
            log.event("failpoint: node %d still runs %.1f s after %s=%s; kill -9", target,
                    (System.nanoTime() - startNanos) / 1e9, point, action);
            nodes.kill(target);
        }
        restartClean(target, "failpoint", RESTART_WAIT);
        return true;
    }

    /**
     * Restarts the node on its data and waits a little for it to serve; a JVM on a busy machine can
     * take longer, and the next fault need not wait for it (it may even hit it while it boots).
     */
    private void restartClean(int slot, String kind, Duration wait) throws InterruptedException {
        nodes.start(slot, Map.of(), false);
        log.event("%s: restarted node %d on the same data", kind, slot);
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline && nodes.isRunning(slot)) {
            if (client.status(slot, Duration.ofMillis(300)).isPresent()) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Waits until the slot answers Status; a node that does not is a harness problem worth a line. */
    void awaitServing(int slot, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (client.status(slot, Duration.ofMillis(300)).isPresent()) {
                return;
            }
            if (!nodes.isRunning(slot)) {
                log.event("node %d exited with status %s while starting; see nodes/n%d.log", slot,
                        nodes.exitStatus(slot).orElse(-1), slot);
                return;
            }
            Thread.sleep(100);
        }
        log.event("node %d did not answer within %d s", slot, timeout.toSeconds());
    }

    void healNetworkAndProxies() {
        network.healAll();
        closeProxies();
    }

    /** The final heal: every namespace, whether or not a rule is known to be there. */
    void healEverything() {
        network.healEverySlot();
        closeProxies();
    }

    private void closeProxies() {
        proxies.forEach(DelayProxy::close);
        proxies.clear();
    }

    private String describe(int slot) {
        return "node " + slot + " (member " + nodes.memberId(slot) + (slot == leaders.leaderSlot() ? ", leader)" : ")");
    }

    private int leaderOrRandom() {
        int leader = leaders.leaderSlot();
        return leader != 0 && nodes.isRunning(leader) ? leader : randomSlot();
    }

    private int randomSlot() {
        return 1 + random.nextInt(nodes.slots().size());
    }

    private List<Integer> others(int slot) {
        List<Integer> others = new ArrayList<>(nodes.slots());
        others.remove(Integer.valueOf(slot));
        return others;
    }

    private List<Integer> shuffledSlots() {
        List<Integer> slots = new ArrayList<>(nodes.slots());
        for (int i = slots.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            slots.set(i, slots.set(j, slots.get(i)));
        }
        return slots;
    }
}
