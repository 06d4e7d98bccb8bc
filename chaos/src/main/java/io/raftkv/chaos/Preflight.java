package io.raftkv.chaos;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Checks, before anything is created, that a run can start: root, the tools, kv-server's jar, and
 * that none of the names, addresses and ports the run would take is already in use (a crashed run
 * leaves them behind: {@code --cleanup} removes them). Reads the host only; changes nothing.
 */
final class Preflight {
    private final Shell shell;
    private final Supplier<String> effectiveUserId;

    /** @param effectiveUserId what {@code id -u} prints (tests replace it) */
    Preflight(Shell shell, Supplier<String> effectiveUserId) {
        this.shell = shell;
        this.effectiveUserId = effectiveUserId;
    }

    /** The real effective user id, from {@code id -u}. */
    static String idU(Shell shell) {
        Shell.Result result = shell.run("id", "-u");
        return result.ok() ? result.out().strip() : "unknown (" + result.describe() + ")";
    }

    /** Whether this host can run chaos at all: root, and {@code ip netns} works. For tests that skip. */
    static String unavailableReason(Shell shell) {
        String euid = idU(shell);
        if (!euid.equals("0")) {
            return "not root (id -u says " + euid + "); the chaos harness creates network namespaces and iptables rules";
        }
        Shell.Result netns = shell.run("ip", "netns", "list");
        if (!netns.ok()) {
            return "ip netns is unavailable: " + netns.describe();
        }
        Shell.Result iptables = shell.run("iptables", "-V");
        if (!iptables.ok()) {
            return "iptables is unavailable (run .ci/chaos-setup.sh): " + iptables.describe();
        }
        return null;
    }

    /** Every reason the run cannot start; empty when it can. Root is checked first and alone. */
    List<String> problems(ChaosOptions options) {
        List<String> problems = new ArrayList<>();
        String euid = effectiveUserId.get();
        if (!euid.equals("0")) {
            problems.add("must run as root: it creates network namespaces, a bridge and iptables rules "
                    + "(id -u says " + euid + "); try sudo bin/raftkv-chaos ...");
            return problems;
        }
        checkTools(options, problems);
        if (!problems.isEmpty()) {
            return problems; // without the tools the rest cannot be checked
        }
        if (!Files.isRegularFile(options.serverJar())) {
            problems.add("no server jar at " + options.serverJar() + "; build it with "
                    + "mvn -pl kv-server -am package -DskipTests (or pass --server-jar)");
        }
        checkNames(options, problems);
        checkAddresses(problems);
        if (options.faults().contains(FaultKind.SLOW)) {
            checkProxyPorts(options, problems);
        }
        checkOut(options.out(), problems);
        return problems;
    }

    private void checkTools(ChaosOptions options, List<String> problems) {
        List<List<String>> probes = new ArrayList<>(List.of(List.of("ip", "netns", "list"), List.of("iptables", "-V"),
                List.of("iptables-restore", "-V")));
        if (options.faults().contains(FaultKind.SLOW)) {
            probes.add(List.of("tc", "-V"));
        }
        for (List<String> probe : probes) {
            Shell.Result result = shell.run(probe);
            if (!result.ok()) {
                problems.add("'" + String.join(" ", probe) + "' does not work (" + result.describe()
                        + "); install iproute2 and iptables (.ci/chaos-setup.sh does)");
            }
        }
    }

    private void checkNames(ChaosOptions options, List<String> problems) {
        for (String line : shell.run("ip", "netns", "list").out().split("\n")) {
            String name = line.strip().split(" ")[0];
            if (name.startsWith(Topology.NAMESPACE_PREFIX)) {
                problems.add("network namespace " + name + " already exists (left by another run?); "
                        + "remove leftovers with bin/raftkv-chaos --cleanup");
            }
        }
        for (String line : shell.run("ip", "-o", "link", "show").out().split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length < 2) {
                continue;
            }
            String device = fields[1].strip().split("@")[0];
            if (device.equals(Topology.BRIDGE) || device.startsWith(Topology.VETH_PREFIX)) {
                problems.add("network device " + device + " already exists (left by another run?); "
                        + "remove leftovers with bin/raftkv-chaos --cleanup");
            }
        }
    }

    private void checkAddresses(List<String> problems) {
        for (String line : shell.run("ip", "-o", "-4", "addr", "show").out().split("\n")) {
            int at = line.indexOf("inet " + Topology.ADDRESS_PREFIX);
            if (at >= 0) {
                String[] fields = line.strip().split("\\s+");
                String device = fields.length > 1 ? fields[1] : "?";
                String address = line.substring(at + 5).split("\\s+")[0];
                problems.add("address " + address + " on " + device + " overlaps the chaos subnet " + Topology.SUBNET
                        + "; the harness needs the subnet to itself");
            }
        }
    }

    private static void checkProxyPorts(ChaosOptions options, List<String> problems) {
        for (int from = 1; from <= options.nodes(); from++) {
            for (int to = 1; to <= options.nodes(); to++) {
                if (from == to) {
                    continue;
                }
                int port = Topology.proxyPort(from, to);
                try (ServerSocket socket = new ServerSocket()) {
                    socket.bind(new InetSocketAddress("0.0.0.0", port));
                } catch (BindException e) {
                    problems.add("port " + port + " is already in use on this host; the slow-link proxy needs ports "
                            + Topology.proxyPort(1, 2) + ".." + Topology.proxyPort(options.nodes(), options.nodes() - 1)
                            + " (or leave out --faults slow)");
                } catch (IOException e) {
                    problems.add("cannot probe port " + port + ": " + e.getMessage());
                }
            }
        }
    }

    private static void checkOut(Path out, List<String> problems) {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            problems.add("--out " + out + " exists and is not a directory");
            return;
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                problems.add("--out " + out + " is not empty; give a new or empty directory, so no earlier run's "
                        + "history is mixed in or overwritten");
            }
        } catch (IOException e) {
            problems.add("cannot read --out " + out + ": " + e.getMessage());
        }
    }
}
