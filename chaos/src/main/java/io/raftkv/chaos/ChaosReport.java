package io.raftkv.chaos;

import io.raftkv.check.CheckResult;
import io.raftkv.check.Command;
import io.raftkv.check.EventType;
import io.raftkv.check.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The outcome of one run: what ran, what the nemesis did, what the clients saw, and the verdicts.
 * {@link #render} is the summary table, {@link #finalLine} the line scripts and CI look for.
 * Immutable.
 *
 * @param operations    operations in the checked history (the final reads not included)
 * @param lost          one description per lost acknowledged write
 * @param acknowledged  acknowledged writes checked for loss
 * @param crashes       node processes that exited without the harness killing them (not counting an
 *                      armed failpoint's status 99): a crash or a refusal to restart is a finding
 * @param checkTime     how long the linearizability check took
 */
record ChaosReport(ChaosOptions options, Path out, OperationCounts counts, Map<FaultKind, Integer> faults,
                   long leaderChanges, int operations, CheckResult check, List<String> lost, int acknowledged,
                   List<String> crashes, Duration elapsed, Duration checkTime) {

    ChaosReport {
        faults = Map.copyOf(faults);
        lost = List.copyOf(lost);
        crashes = List.copyOf(crashes);
    }

    int faultTotal() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    boolean linearizable() {
        return check.isLinearizable();
    }

    /** Linearizable, nothing lost, and no node died by itself (exit status 0 needs all three). */
    boolean passed() {
        return linearizable() && lost.isEmpty() && crashes.isEmpty();
    }

    /** {@code chaos: N ops, F faults, linearizable: yes|no, lost acknowledged writes: L} */
    String finalLine() {
        return "chaos: " + operations + " ops, " + faultTotal() + " faults, linearizable: " + (linearizable() ? "yes" : "no")
                + ", lost acknowledged writes: " + lost.size();
    }

    String render() {
        StringBuilder text = new StringBuilder();
        text.append(String.format("%nchaos summary: %d nodes, seed %d, %d s of faults, %s in all, %s calls%n",
                options.nodes(), options.seed(), options.duration().toSeconds(), seconds(elapsed),
                options.streams() ? "stream" : "unary"));
        text.append(String.format("  %-10s %8s %8s %8s%n", "operation", "ok", "failed", "unknown"));
        for (Command command : OperationCounts.commands()) {
            text.append(String.format("  %-10s %8d %8d %8d%n", command.jsonName(), counts.get(command, EventType.OK),
                    counts.get(command, EventType.FAIL), counts.get(command, EventType.INFO)));
        }
        text.append(String.format("  %-10s %8d %8d %8d%n", "total", counts.total(EventType.OK),
                counts.total(EventType.FAIL), counts.total(EventType.INFO)));
        text.append(String.format("  %-14s %6s%n", "fault", "count"));
        for (FaultKind kind : FaultKind.values()) {
            if (options.faults().contains(kind)) {
                text.append(String.format("  %-14s %6d%n", kind.cliName(), faults.getOrDefault(kind, 0)));
            }
        }
        text.append(String.format("  %-14s %6d  (%d kinds)%n", "total", faultTotal(), faults.size()));
        text.append(String.format("  leader changes (seen by Status polling): %d%n", leaderChanges));
        text.append(String.format("  checker: %s, in %s%n", check.summary(), seconds(checkTime)));
        if (check.verdict() instanceof Verdict.NotLinearizable) {
            text.append(indent(check.report()));
            text.append("    (the whole report is in ").append(out.resolve("check.txt")).append(")\n");
        }
        text.append(String.format("  lost acknowledged writes: %d of %d acknowledged writes%n", lost.size(), acknowledged));
        lost.stream().limit(20).forEach(line -> text.append("    ").append(line).append('\n'));
        text.append(String.format("  node crashes (exits the harness did not cause): %d%n", crashes.size()));
        crashes.forEach(line -> text.append("    ").append(line).append('\n'));
        text.append(String.format("  history: %s%n  nemesis log: %s%n  node logs: %s%n", out.resolve("history.jsonl"),
                out.resolve("nemesis.log"), out.resolve("nodes")));
        text.append(String.format("  replay this schedule: bin/raftkv-chaos --nodes %d --duration %ds --seed %d --faults %s"
                        + " --ops-rate %d --calls %s%n", options.nodes(), options.duration().toSeconds(), options.seed(),
                FaultKind.names(options.faultsInOrder()), options.opsRate(), options.streams() ? "stream" : "unary"));
        return text.toString();
    }

    private static String indent(String report) {
        StringBuilder out = new StringBuilder();
        report.lines().limit(45).forEach(line -> out.append("    ").append(line).append('\n'));
        return out.toString();
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
