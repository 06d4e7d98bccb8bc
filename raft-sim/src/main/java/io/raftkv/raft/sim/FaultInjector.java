package io.raftkv.raft.sim;

import io.raftkv.raft.ProposeResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Injects the episodic faults of one seed, one decision per kind per tick: partitions (isolate a
 * node, split the cluster, cut links one way), crashes (between Readies or inside one) with a
 * restart later, pauses, and leader transfers. A share of each is aimed at the current leader.
 * {@link #heal()} ends every fault for the final phase. Not thread-safe; one per seed.
 */
final class FaultInjector {
    private final Cluster cluster;
    private final Clients clients;
    private final FaultMix faults;
    private final SplittableRandom random;
    private final Trace trace;
    private final int electionTicks;
    /** Node id to the tick it restarts (crashed) or resumes (paused); iterated in id order. */
    private final TreeMap<Long, Long> restartAt = new TreeMap<>();
    private final TreeMap<Long, Long> resumeAt = new TreeMap<>();
    private long partitionEndsAt = -1;
    private boolean healed;
    private int crashes;
    private int partitions;
    private int pauses;
    private int transfers;
    private int reactions;

    FaultInjector(Cluster cluster, Clients clients, FaultMix faults, int electionTicks, SplittableRandom random) {
        this.electionTicks = electionTicks;
        this.cluster = cluster;
        this.clients = clients;
        this.faults = faults;
        this.random = random;
        this.trace = cluster.trace();
    }

    String summary() {
        return "crashes=" + crashes + " partitions=" + partitions + " pauses=" + pauses + " transfers=" + transfers
                + " reactions=" + reactions;
    }

    void step() {
        long now = cluster.now();
        endDueEpisodes(now);
        if (healed) {
            return;
        }
        if (random.nextDouble() < faults.partitionRate() && partitionEndsAt < 0) {
            startPartition(now);
        }
        if (random.nextDouble() < faults.crashRate()) {
            crashOne();
        }
        if (random.nextDouble() < faults.pauseRate()) {
            pauseOne(now);
        }
        if (random.nextDouble() < faults.transferRate()) {
            transfer();
        }
    }

    /** A node just became leader: sometimes it is hit at once, before its first messages land. */
    void onBecameLeader(SimNode node) {
        if (!healed && faults.reactiveRate() > 0 && random.nextDouble() < faults.reactiveRate()) {
            react(node, "just became leader");
        }
    }

    /** A leader just advanced its commit index: sometimes it is hit before it can tell anyone. */
    void onLeaderCommitted(SimNode node) {
        if (!healed && faults.reactiveRate() > 0 && random.nextDouble() < faults.reactiveRate()) {
            react(node, "just advanced its commit index");
        }
    }

    /**
     * Hits {@code node} in the middle of its Ready: isolates it (replacing any partition), cuts its
     * outgoing links, pauses it, or arms a crash inside this very Ready. Messages it sends from now
     * on are cut when they are due, so the partition takes effect before they land.
     */
    private void react(SimNode node, String why) {
        long now = cluster.now();
        Links links = cluster.network().links();
        reactions++;
        switch (random.nextInt(4)) {
            case 0, 1 -> {
                boolean outgoingOnly = random.nextBoolean();
                links.healAll();
                for (SimNode other : cluster.nodes()) {
                    if (other != node) {
                        links.cut(node.id, other.id);
                        if (!outgoingOnly) {
                            links.cut(other.id, node.id);
                        }
                    }
                }
                partitionEndsAt = now + 1 + random.nextInt(faults.partitionTicksMax());
                partitions++;
                trace.add("PARTITION n" + node.id + " " + why + ": " + (outgoingOnly ? "cut every link out of it"
                        : "isolated") + " until t=" + partitionEndsAt);
            }
            case 2 -> {
                if (!node.paused()) {
                    node.pause();
                    resumeAt.put(node.id, now + 1 + random.nextInt(faults.pauseTicksMax()));
                    pauses++;
                    trace.add("n" + node.id + " " + why + ": PAUSED until t=" + resumeAt.get(node.id));
                }
            }
            default -> {
                if (!node.crashArmed() && downCount() < (memberCount() + 1) / 2) {
                    SimNode.CrashPoint point = SimNode.CrashPoint.values()[random.nextInt(SimNode.CrashPoint.values().length)];
                    node.armCrash(point);
                    crashes++;
                    trace.add("n" + node.id + " " + why + ": will crash inside this Ready (" + point + ")");
                }
            }
        }
    }

    private int memberCount() {
        int members = 0;
        for (SimNode node : cluster.nodes()) {
            members += node.retired() ? 0 : 1;
        }
        return members;
    }

    /** Members down, or about to go down (an armed crash). */
    private int downCount() {
        int down = 0;
        for (SimNode node : cluster.nodes()) {
            if (!node.retired() && (!node.up() || node.crashArmed())) {
                down++;
            }
        }
        return down;
    }

    /** A node went down: unless it was retired or the run is healing, it restarts later. */
    void onDown(SimNode node) {
        resumeAt.remove(node.id);
        if (!node.retired() && !healed) {
            restartAt.put(node.id, cluster.now() + 1 + random.nextInt(faults.downTicksMax()));
        }
    }

    /** Ends every fault: links heal, paused nodes resume, crashed nodes restart, no armed crash fires. */
    void heal() {
        healed = true;
        cluster.network().heal(Math.max(0, electionTicks / 5));
        partitionEndsAt = -1;
        for (long id : new ArrayList<>(resumeAt.keySet())) {
            resume(cluster.node(id));
        }
        resumeAt.clear();
        for (SimNode node : cluster.nodes()) {
            node.disarmCrash();
            if (!node.up() && !node.retired()) {
                cluster.restart(node);
            }
        }
        restartAt.clear();
        trace.add("HEALED: no more faults; every node is up and every link works");
    }

    private void endDueEpisodes(long now) {
        if (partitionEndsAt >= 0 && now >= partitionEndsAt) {
            cluster.network().links().healAll();
            partitionEndsAt = -1;
            trace.add("partition healed");
        }
        for (long id : dueIn(restartAt, now)) {
            restartAt.remove(id);
            SimNode node = cluster.node(id);
            if (!node.up() && !node.retired()) {
                cluster.restart(node);
            }
        }
        for (long id : dueIn(resumeAt, now)) {
            resumeAt.remove(id);
            resume(cluster.node(id));
        }
    }

    private static List<Long> dueIn(TreeMap<Long, Long> schedule, long now) {
        List<Long> due = new ArrayList<>();
        schedule.forEach((id, at) -> {
            if (at <= now) {
                due.add(id);
            }
        });
        return due;
    }

    private void resume(SimNode node) {
        if (node.accepting() || !node.up()) {
            return;
        }
        trace.add("n" + node.id + " resumed from its pause");
        // Requests that reached it during the pause are read before the peer messages that did.
        clients.onResume(node);
        node.resume();
    }

    /** The leader for a leader-targeted fault (if the draw says so and there is one), else a random live member. */
    private SimNode target() {
        SimNode leader = cluster.leader();
        if (leader != null && leader.accepting() && random.nextDouble() < faults.leaderTargetShare()) {
            return leader;
        }
        List<SimNode> live = liveMembers();
        return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
    }

    private List<SimNode> liveMembers() {
        List<SimNode> live = new ArrayList<>();
        for (SimNode node : cluster.nodes()) {
            if (node.accepting() && !node.retired()) {
                live.add(node);
            }
        }
        return live;
    }

    private void startPartition(long now) {
        SimNode target = target();
        if (target == null) {
            return;
        }
        List<SimNode> others = new ArrayList<>();
        for (SimNode node : cluster.nodes()) {
            if (node != target && !node.retired()) {
                others.add(node);
            }
        }
        Links links = cluster.network().links();
        String description;
        switch (random.nextInt(5)) {
            case 0 -> {
                others.forEach(other -> links.cutBoth(target.id, other.id));
                description = "isolated n" + target.id;
            }
            case 1 -> {
                // A random side with the target; both sides may have a quorum of nothing.
                List<Long> side = new ArrayList<>(List.of(target.id));
                others.forEach(other -> {
                    if (random.nextBoolean()) {
                        side.add(other.id);
                    }
                });
                for (SimNode a : cluster.nodes()) {
                    for (SimNode b : cluster.nodes()) {
                        if (side.contains(a.id) && !side.contains(b.id)) {
                            links.cutBoth(a.id, b.id);
                        }
                    }
                }
                description = "split " + side + " from the rest";
            }
            case 2 -> {
                others.forEach(other -> links.cut(other.id, target.id));
                description = "cut every link into n" + target.id + " (it still sends)";
            }
            case 3 -> {
                others.forEach(other -> links.cut(target.id, other.id));
                description = "cut every link out of n" + target.id + " (it still receives)";
            }
            default -> {
                if (others.isEmpty()) {
                    return;
                }
                SimNode other = others.get(random.nextInt(others.size()));
                links.cutBoth(target.id, other.id);
                description = "cut the link n" + target.id + "<->n" + other.id;
            }
        }
        partitionEndsAt = now + 1 + random.nextInt(faults.partitionTicksMax());
        partitions++;
        trace.add("PARTITION " + description + " until t=" + partitionEndsAt);
    }

    private void crashOne() {
        // Keep some nodes up, though sometimes not a quorum: leaderless stretches are part of the test.
        if (downCount() >= (memberCount() + 1) / 2) {
            return;
        }
        SimNode target = target();
        if (target == null || target.crashArmed()) {
            return;
        }
        crashes++;
        if (random.nextDouble() < faults.crashInsideReadyShare()) {
            SimNode.CrashPoint point = SimNode.CrashPoint.values()[random.nextInt(SimNode.CrashPoint.values().length)];
            target.armCrash(point);
            trace.add("n" + target.id + " will crash inside its next Ready (" + point + ")");
        } else {
            target.crash("between Readies");
        }
    }

    private void pauseOne(long now) {
        SimNode target = target();
        if (target == null) {
            return;
        }
        target.pause();
        resumeAt.put(target.id, now + 1 + random.nextInt(faults.pauseTicksMax()));
        pauses++;
        trace.add("n" + target.id + " PAUSED until t=" + resumeAt.get(target.id));
    }

    private void transfer() {
        SimNode leader = cluster.leader();
        if (leader == null || !leader.accepting()) {
            return;
        }
        List<Long> voters = new ArrayList<>(leader.machine().confState().voters());
        voters.remove(leader.id);
        if (voters.isEmpty()) {
            return;
        }
        long to = voters.get(random.nextInt(voters.size()));
        ProposeResult result = leader.raft().transferLeader(to);
        transfers++;
        trace.add("n" + leader.id + " asked to transfer leadership to n" + to + ": " + describe(result));
        leader.drain();
    }

    static String describe(ProposeResult result) {
        return switch (result) {
            case ProposeResult.Accepted accepted -> "accepted at " + accepted.term() + "/" + accepted.index();
            case ProposeResult.Pending pending -> "pending";
            case ProposeResult.Dropped dropped -> "dropped " + dropped.reason() + " (" + dropped.detail() + ")";
        };
    }
}
