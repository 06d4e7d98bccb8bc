package io.raftkv.chaos;

import java.time.Duration;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * The run's network: one namespace per node slot on a bridge, the harness on the bridge too, and
 * the faults on it: iptables DROP rules inside the namespaces (partitions, one-way drops, random
 * loss), tc tbf rate limits, and DNAT of a node's outbound peer connections to the delaying proxy.
 * Clients (in the root namespace) always reach every node: faults cut only node-to-node traffic,
 * as in Jepsen, where each client talks to its own node. Not thread-safe: the nemesis thread owns it.
 */
final class Network {
    /** iptables-restore input that resets the filter and nat tables of a namespace to empty. */
    private static final String EMPTY_TABLES = """
            *filter
            :INPUT ACCEPT [0:0]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            COMMIT
            """;

    private final Shell shell;
    private final int nodes;
    private final Set<Integer> rateLimited = new TreeSet<>();
    /** Slots with rules in place: healing touches only these (each command costs time on a busy host). */
    private final Set<Integer> ruled = new TreeSet<>();

    Network(Shell shell, int nodes) {
        this.shell = shell;
        this.nodes = nodes;
    }

    /** Creates bridge, namespaces and links. The caller has run {@link Preflight}; on failure it runs {@link Cleanup}. */
    void create() {
        shell.check("ip", "link", "add", Topology.BRIDGE, "type", "bridge");
        shell.check("ip", "addr", "add", Topology.HOST_ADDRESS + "/" + Topology.PREFIX_LENGTH, "dev", Topology.BRIDGE);
        shell.check("ip", "link", "set", Topology.BRIDGE, "up");
        for (int slot = 1; slot <= nodes; slot++) {
            String namespace = Topology.namespace(slot);
            shell.check("ip", "netns", "add", namespace);
            shell.check("ip", "link", "add", Topology.veth(slot), "type", "veth", "peer", "name", "eth0", "netns", namespace);
            shell.check("ip", "link", "set", Topology.veth(slot), "master", Topology.BRIDGE, "up");
            shell.check("ip", "-n", namespace, "addr", "add", Topology.address(slot) + "/" + Topology.PREFIX_LENGTH,
                    "dev", "eth0");
            shell.check("ip", "-n", namespace, "link", "set", "eth0", "up");
            shell.check("ip", "-n", namespace, "link", "set", "lo", "up");
        }
        // With docker running, bridged traffic passes the FORWARD chain (br_netfilter) whose policy
        // docker sets to DROP: let our bridge's own traffic through. Tagged so cleanup finds it.
        shell.check("iptables", "-I", "FORWARD", "1", "-i", Topology.BRIDGE, "-o", Topology.BRIDGE,
                "-m", "comment", "--comment", Topology.RULE_COMMENT, "-j", "ACCEPT");
    }

    /**
     * Cuts every link between a node of {@code one} and a node of {@code other}, both directions.
     * Nodes in neither side (a bridge) keep all their links.
     */
    void cut(Collection<Integer> one, Collection<Integer> other) {
        for (int slot : one) {
            dropBothWays(slot, other);
        }
        for (int slot : other) {
            dropBothWays(slot, one);
        }
    }

    private void dropBothWays(int slot, Collection<Integer> peers) {
        StringBuilder rules = new StringBuilder("*filter\n");
        for (int peer : peers) {
            rules.append("-A INPUT -s ").append(Topology.address(peer)).append(" -j DROP\n");
            rules.append("-A OUTPUT -d ").append(Topology.address(peer)).append(" -j DROP\n");
        }
        append(slot, rules.append("COMMIT\n").toString());
    }

    /** {@code slot} stops receiving anything from {@code from} (it can still send to them). */
    void dropInbound(int slot, Collection<Integer> from) {
        StringBuilder rules = new StringBuilder("*filter\n");
        from.forEach(peer -> rules.append("-A INPUT -s ").append(Topology.address(peer)).append(" -j DROP\n"));
        append(slot, rules.append("COMMIT\n").toString());
    }

    /** Nothing {@code slot} sends reaches {@code to} (it still receives from them). */
    void dropOutbound(int slot, Collection<Integer> to) {
        StringBuilder rules = new StringBuilder("*filter\n");
        to.forEach(peer -> rules.append("-A OUTPUT -d ").append(Topology.address(peer)).append(" -j DROP\n"));
        append(slot, rules.append("COMMIT\n").toString());
    }

    /** Drops each incoming node-to-node packet of {@code slots} with {@code probability} (client traffic is spared). */
    void loss(Collection<Integer> slots, double probability) {
        for (int slot : slots) {
            append(slot, "*filter\n-A INPUT ! -s " + Topology.HOST_ADDRESS + " -m statistic --mode random --probability "
                    + String.format("%.3f", probability) + " -j DROP\nCOMMIT\n");
        }
    }

    /** Limits what {@code slot} sends to {@code rate} (tc tbf; the kernel has no netem for delay). */
    void rateLimit(int slot, String rate) {
        shell.check(Shell.inNamespace(Topology.namespace(slot), "tc", "qdisc", "add", "dev", "eth0", "root", "tbf",
                "rate", rate, "burst", "4kb", "latency", "400ms"), null);
        rateLimited.add(slot);
    }

    /**
     * Sends {@code slot}'s new peer connections to {@code peers} through the delaying proxy on the
     * bridge (DNAT to {@link Topology#proxyPort}), then resets its established ones so that gRPC
     * reconnects through the proxy.
     */
    void redirectPeersThroughProxy(int slot, Collection<Integer> peers) {
        StringBuilder rules = new StringBuilder("*nat\n");
        for (int peer : peers) {
            rules.append("-A OUTPUT -p tcp -d ").append(Topology.address(peer)).append(" --dport ")
                    .append(Topology.PEER_PORT).append(" -j DNAT --to-destination ").append(Topology.HOST_ADDRESS)
                    .append(':').append(Topology.proxyPort(slot, peer)).append('\n');
        }
        append(slot, rules.append("COMMIT\n").toString());
        // Only connections opened before the DNAT still go to port 2380 directly; a reset makes the
        // node's transport reconnect, now through the proxy.
        String reset = "*filter\n-I OUTPUT 1 -p tcp --dport " + Topology.PEER_PORT
                + " -m conntrack --ctstate ESTABLISHED -j REJECT --reject-with tcp-reset\nCOMMIT\n";
        append(slot, reset);
        sleep(Duration.ofMillis(400));
        shell.run(Shell.inNamespace(Topology.namespace(slot), "iptables", "-D", "OUTPUT", "-p", "tcp", "--dport",
                Integer.toString(Topology.PEER_PORT), "-m", "conntrack", "--ctstate", "ESTABLISHED", "-j", "REJECT",
                "--reject-with", "tcp-reset"));
    }

    /** Removes every rule and qdisc this class added in {@code slot}'s namespace. */
    void heal(int slot) {
        shell.check(Shell.inNamespace(Topology.namespace(slot), "iptables-restore"), EMPTY_TABLES);
        ruled.remove(slot);
        if (rateLimited.remove(slot)) {
            shell.run(Shell.inNamespace(Topology.namespace(slot), "tc", "qdisc", "del", "dev", "eth0", "root"));
        }
    }

    /** Heals every namespace with rules or a qdisc in place. */
    void healAll() {
        Set<Integer> touched = new TreeSet<>(ruled);
        touched.addAll(rateLimited);
        touched.forEach(this::heal);
    }

    /** Heals every namespace, whatever this instance remembers (the final heal). */
    void healEverySlot() {
        for (int slot = 1; slot <= nodes; slot++) {
            heal(slot);
        }
    }

    private void append(int slot, String rules) {
        ruled.add(slot);
        shell.check(Shell.inNamespace(Topology.namespace(slot), "iptables-restore", "--noflush"), rules);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
