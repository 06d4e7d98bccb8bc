package io.raftkv.raft.sim;

import java.util.SplittableRandom;

/**
 * Families of scenarios. Each draws, from a seed's own random stream, the raft settings, workload
 * and fault mix of that seed, so one profile covers many regimes: some seeds lose many messages,
 * some crash leaders often, some are calm. Stateless.
 */
enum FaultProfile {
    /** Everything at random intensities: the CI mix. */
    STANDARD {
        @Override
        FaultMix faults(SplittableRandom random) {
            // maybe(random, zeroShare, low, high): each fault family is off in some seeds.
            return new FaultMix(
                    maybe(random, 0.5, 0.0, 0.15), maybe(random, 0.6, 0.0, 0.10), pick(random, 0, 1, 2, 3, 5, 8),
                    maybe(random, 0.3, 0.002, 0.03), between(random, 10, 120),
                    maybe(random, 0.3, 0.002, 0.025), between(random, 3, 60), random.nextDouble(0.2, 0.8),
                    maybe(random, 0.5, 0.001, 0.01), between(random, 10, 60), random.nextDouble(0.0, 0.8),
                    maybe(random, 0.5, 0.02, 0.3), maybe(random, 0.5, 0.003, 0.02), maybe(random, 0.5, 0.002, 0.02),
                    maybe(random, 0.3, 0.01, 0.1));
        }
    },
    /**
     * Leaders crash and come back quickly, one entry per append, short windows: the interleavings
     * of Figure 8 of the Raft paper (a new leader replicating an entry of an earlier term).
     */
    LEADER_CRASHES {
        @Override
        FaultMix faults(SplittableRandom random) {
            return new FaultMix(
                    random.nextDouble(0.0, 0.05), 0.0, pick(random, 0, 1, 2, 3),
                    random.nextDouble(0.0, 0.01), between(random, 5, 30),
                    random.nextDouble(0.01, 0.04), between(random, 2, 25), random.nextDouble(0.3, 0.7),
                    0.0, 1, random.nextDouble(0.7, 1.0), random.nextDouble(0.2, 0.5),
                    0.0, 0.0, random.nextDouble(0.0, 0.05));
        }

        @Override
        RaftSettings raft(SplittableRandom random) {
            return new RaftSettings(10, pick(random, 1, 2), true, random.nextDouble() < 0.8, 64, pick(random, 1, 2));
        }
    },
    /**
     * Operators at work under faults: frequent membership changes (new nodes, promotions, joint
     * swaps, removals of the leader), leader transfers and log compaction with snapshot installs,
     * while nodes crash and links fail.
     */
    CHURN {
        @Override
        FaultMix faults(SplittableRandom random) {
            return new FaultMix(
                    random.nextDouble(0.0, 0.08), random.nextDouble(0.0, 0.05), pick(random, 0, 1, 2, 3),
                    random.nextDouble(0.002, 0.02), between(random, 10, 60),
                    random.nextDouble(0.002, 0.02), between(random, 3, 40), random.nextDouble(0.2, 0.8),
                    random.nextDouble(0.0, 0.005), between(random, 10, 40), random.nextDouble(0.2, 0.8),
                    random.nextDouble(0.0, 0.2), random.nextDouble(0.02, 0.05), random.nextDouble(0.01, 0.04),
                    random.nextDouble(0.05, 0.2));
        }
    },
    /**
     * Deposed leaders that do not know it yet: the leader is cut off or paused for long stretches
     * (check-quorum off in half the seeds), while clients that still believe in it keep reading
     * from it. What stale reads need.
     */
    STALE_LEADERS {
        @Override
        FaultMix faults(SplittableRandom random) {
            return new FaultMix(
                    random.nextDouble(0.0, 0.03), 0.0, pick(random, 0, 1, 2),
                    random.nextDouble(0.005, 0.03), between(random, 20, 100),
                    random.nextDouble(0.0, 0.005), between(random, 3, 30), 0.5,
                    random.nextDouble(0.003, 0.02), between(random, 20, 60), random.nextDouble(0.6, 0.95),
                    random.nextDouble(0.0, 0.2), 0.0, random.nextDouble(0.0, 0.01), random.nextDouble(0.0, 0.05));
        }

        @Override
        RaftSettings raft(SplittableRandom random) {
            return new RaftSettings(10, pick(random, 1, 2), true, random.nextBoolean(), 1 << 20, 256);
        }

        @Override
        Workload workload(SplittableRandom random, int nodes) {
            return new Workload(between(random, 2, 4), between(random, 3, nodes + 2), between(random, 300, 700),
                    between(random, 0, 3), between(random, 40, 80), random.nextDouble(0.4, 0.6),
                    random.nextDouble(0.0, 0.2), random.nextDouble(0.7, 0.95));
        }
    },
    /** No faults at all: the happy path, for tests of the simulator itself. */
    CALM {
        @Override
        FaultMix faults(SplittableRandom random) {
            return FaultMix.none();
        }
    };

    abstract FaultMix faults(SplittableRandom random);

    /**
     * Pre-vote stays on: without it a node with a stale log keeps disrupting elections it cannot
     * win, and liveness after healing becomes a matter of luck. Check-quorum is off in some seeds,
     * which leaves deposed leaders in place for as long as a partition lasts.
     */
    RaftSettings raft(SplittableRandom random) {
        return new RaftSettings(pick(random, 6, 10, 10, 15), pick(random, 1, 2, 2, 3), true, random.nextDouble() < 0.8,
                pick(random, 64, 64, 256, 1 << 20), pick(random, 1, 2, 4, 256));
    }

    Workload workload(SplittableRandom random, int nodes) {
        return new Workload(between(random, 3, 5), between(random, 2, nodes + 1), between(random, 200, 700),
                between(random, 0, 4), between(random, 30, 80), random.nextDouble(0.2, 0.5),
                random.nextDouble(0.1, 0.4), random.nextDouble(0.5, 0.95));
    }

    /** With chance {@code zeroShare} zero, else uniform in [low, high). */
    static double maybe(SplittableRandom random, double zeroShare, double low, double high) {
        return random.nextDouble() < zeroShare ? 0.0 : random.nextDouble(low, high);
    }

    static int between(SplittableRandom random, int low, int high) {
        return random.nextInt(low, high + 1);
    }

    static int pick(SplittableRandom random, int... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
