package io.raftkv.raft.sim;

import io.raftkv.raft.BrokenRule;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Everything one seed runs with, drawn from the seed by a profile. The same (seed, nodes, profile,
 * broken rules) always gives the same scenario. Immutable.
 */
record Scenario(long seed, int nodes, FaultProfile profile, Set<BrokenRule> brokenRules,
                RaftSettings raft, Workload workload, FaultMix faults) {
    Scenario {
        if (nodes < 1 || nodes > 7) {
            throw new IllegalArgumentException("nodes must be in [1, 7], got " + nodes);
        }
        brokenRules = Set.copyOf(brokenRules);
    }

    /** Draws the scenario of {@code seed} from its own stream, split off the seed's root stream. */
    static Scenario draw(long seed, int nodes, FaultProfile profile, Set<BrokenRule> brokenRules,
                         SplittableRandom random) {
        RaftSettings raft = profile.raft(random);
        Workload workload = profile.workload(random, nodes);
        FaultMix faults = profile.faults(random);
        return new Scenario(seed, nodes, profile, brokenRules, raft, workload, faults);
    }

    @Override
    public String toString() {
        return "seed=" + seed + " nodes=" + nodes + " profile=" + profile + (brokenRules.isEmpty() ? "" : " broken=" + brokenRules)
                + "\n  raft: " + raft + "\n  workload: " + workload + "\n  faults: " + faults;
    }
}
