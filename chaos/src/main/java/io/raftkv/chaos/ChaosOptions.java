package io.raftkv.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One run's settings, from {@link ChaosArguments}. Immutable.
 *
 * @param nodes             3 or 5
 * @param duration          how long the workload and the nemesis run (setup and checking come on top)
 * @param seed              seeds the nemesis schedule and the workload's choices
 * @param faults            the kinds the nemesis picks from (at least one)
 * @param out               directory for history, nemesis log, node logs; must not exist or be empty
 * @param opsRate           cap on client operations per second, all workers together
 * @param workers           client processes (each runs one operation at a time)
 * @param keys              registers the workload reads and writes
 * @param serverJar         kv-server's runnable jar
 * @param unsafeBrokenReads start the nodes in the deliberately broken mode (self-test of the harness)
 * @param checkTimeout      bound on the linearizability check
 * @param streams           whether the workers' KV requests go over one KV Stream call per node (the client
 *                          library's default) rather than a unary call each
 */
record ChaosOptions(int nodes, Duration duration, long seed, Set<FaultKind> faults, Path out, int opsRate, int workers,
                    int keys, Path serverJar, boolean unsafeBrokenReads, Duration checkTimeout, boolean streams) {

    ChaosOptions {
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 3 or 5, got " + nodes);
        }
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(Duration.ofSeconds(5)) < 0 || duration.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("--duration must be between 5s and 24h, got " + duration.toSeconds() + "s");
        }
        if (faults == null || faults.isEmpty()) {
            throw new IllegalArgumentException("--faults needs at least one fault kind; known: "
                    + FaultKind.names(FaultKind.all()));
        }
        faults = Set.copyOf(EnumSet.copyOf(faults));
        Objects.requireNonNull(out, "out");
        if (opsRate < 1 || opsRate > 100_000) {
            throw new IllegalArgumentException("--ops-rate must be in 1..100000, got " + opsRate);
        }
        if (workers < 1 || workers > 256) {
            throw new IllegalArgumentException("--workers must be in 1..256, got " + workers);
        }
        if (keys < 1 || keys > 1000) {
            throw new IllegalArgumentException("--keys must be in 1..1000, got " + keys);
        }
        Objects.requireNonNull(serverJar, "serverJar");
        Objects.requireNonNull(checkTimeout, "checkTimeout");
    }

    /** The fault kinds in declaration order (stable for the seeded schedule and the report). */
    Set<FaultKind> faultsInOrder() {
        return EnumSet.copyOf(faults);
    }
}
