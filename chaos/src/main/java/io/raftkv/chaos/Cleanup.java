package io.raftkv.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * Removes everything a run creates: the processes inside its namespaces (found with
 * {@code ip netns pids}, so only those), the namespaces (which takes their veth pairs and iptables
 * rules with them), the bridge, and the root namespace's FORWARD rules tagged
 * {@value Topology#RULE_COMMENT}. Safe to run at any time, any number of times: what is not there
 * is skipped. Used at the end of every run, by the shutdown hook, and by {@code --cleanup}.
 */
final class Cleanup {
    private Cleanup() {}

    /** Removes what is left and returns one line per thing removed. */
    static List<String> run(Shell shell) {
        List<String> removed = new ArrayList<>();
        for (String namespace : namespaces(shell)) {
            for (String pid : shell.run("ip", "netns", "pids", namespace).out().split("\\s+")) {
                if (!pid.isBlank() && pid.chars().allMatch(Character::isDigit)) {
                    // A stopped process dies from SIGKILL too; no SIGCONT needed.
                    shell.run("kill", "-9", pid);
                    removed.add("killed process " + pid + " in " + namespace);
                }
            }
        }
        for (String namespace : namespaces(shell)) {
            if (deleteNamespace(shell, namespace)) {
                removed.add("deleted network namespace " + namespace);
            }
        }
        for (int slot = 1; slot <= Topology.SLOTS_MAX; slot++) {
            if (shell.run("ip", "link", "show", Topology.veth(slot)).ok()
                    && shell.run("ip", "link", "del", Topology.veth(slot)).ok()) {
                removed.add("deleted veth " + Topology.veth(slot));
            }
        }
        if (shell.run("ip", "link", "show", Topology.BRIDGE).ok() && shell.run("ip", "link", "del", Topology.BRIDGE).ok()) {
            removed.add("deleted bridge " + Topology.BRIDGE);
        }
        removed.addAll(removeForwardRules(shell));
        return removed;
    }

    private static List<String> namespaces(Shell shell) {
        List<String> names = new ArrayList<>();
        for (String line : shell.run("ip", "netns", "list").out().split("\n")) {
            String name = line.strip().split(" ")[0];
            if (name.startsWith(Topology.NAMESPACE_PREFIX)) {
                names.add(name);
            }
        }
        return names;
    }

    /** A namespace whose last process is still exiting can refuse deletion for a moment: retry briefly. */
    private static boolean deleteNamespace(Shell shell, String namespace) {
        for (int attempt = 0; attempt < 20; attempt++) {
            if (shell.run("ip", "netns", "del", namespace).ok()) {
                return true;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    private static List<String> removeForwardRules(Shell shell) {
        List<String> removed = new ArrayList<>();
        Shell.Result rules = shell.run("iptables", "-S", "FORWARD");
        if (!rules.ok()) {
            return removed;
        }
        for (String rule : rules.out().split("\n")) {
            if (rule.startsWith("-A FORWARD ") && rule.contains("--comment " + Topology.RULE_COMMENT)) {
                List<String> command = new ArrayList<>(List.of("iptables", "-D"));
                command.addAll(List.of(rule.substring(3).strip().split("\\s+")));
                if (shell.run(command).ok()) {
                    removed.add("deleted iptables rule " + rule);
                }
            }
        }
        return removed;
    }
}
