package io.raftkv.raft.sim;

/**
 * The outcome of one seed: a violation (property and detail) or none, whether the linearizability
 * check was undecided (it gave up within its bounds; not a violation, but reported), and counters
 * for the summary. Immutable.
 */
record SeedResult(Scenario scenario, String property, String detail, String undecided, Stats stats, long traceHash) {

    /** What happened in a seed, for rates and the replay summary. */
    record Stats(long ticks, long messagesSent, long messagesDelivered, int operations, int historyEvents,
                 long leadersElected, long appliedIndexMax, String faults, int membershipChanges) {
        @Override
        public String toString() {
            return "ticks=" + ticks + " messages=" + messagesSent + " (delivered " + messagesDelivered + ") operations="
                    + operations + " history-events=" + historyEvents + " leaders=" + leadersElected + " applied-index="
                    + appliedIndexMax + " " + faults + " membership-changes=" + membershipChanges;
        }
    }

    boolean violated() {
        return property != null;
    }

    /** The one command that replays this seed with its trace. */
    String replayCommand() {
        return "bin/raftkv-sim --seed " + scenario.seed() + " --nodes " + scenario.nodes() + options();
    }

    /** The same, through the JUnit test. */
    String junitCommand() {
        return "mvn -pl raft-sim test -Dtest=SimulationTest -Dsim.seed=" + scenario.seed() + " -Dsim.nodes="
                + scenario.nodes() + (scenario.profile() == FaultProfile.STANDARD ? "" : " -Dsim.profile=" + scenario.profile())
                + (scenario.brokenRules().isEmpty() ? "" : " -Dsim.broken=" + brokenList());
    }

    private String options() {
        return (scenario.profile() == FaultProfile.STANDARD ? "" : " --profile " + scenario.profile())
                + (scenario.brokenRules().isEmpty() ? "" : " --broken " + brokenList());
    }

    private String brokenList() {
        return String.join(",", scenario.brokenRules().stream().map(Enum::name).sorted().toList());
    }

    /** A report: the seed, what broke, and how to replay it. */
    String report() {
        StringBuilder out = new StringBuilder();
        if (violated()) {
            out.append("VIOLATION seed=").append(scenario.seed()).append(" nodes=").append(scenario.nodes())
                    .append(": ").append(property).append(": ").append(detail).append('\n');
        } else if (undecided != null) {
            out.append("UNDECIDED seed=").append(scenario.seed()).append(" nodes=").append(scenario.nodes())
                    .append(": linearizability check gave up: ").append(undecided).append('\n');
        }
        out.append("  replay: ").append(replayCommand()).append('\n');
        out.append("  junit:  ").append(junitCommand()).append('\n');
        return out.toString();
    }
}
