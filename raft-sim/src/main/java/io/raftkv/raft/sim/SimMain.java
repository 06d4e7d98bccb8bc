package io.raftkv.raft.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/**
 * Command line of the simulator ({@code bin/raftkv-sim}): a batch of seeds in parallel, or the
 * replay of one seed with its event trace. Exit status 0 without violations, 1 with any, 2 for bad
 * arguments. See {@link SimOptions#USAGE}.
 */
public final class SimMain {
    private SimMain() {}

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.contains("--help") || args.contains("-h")) {
            out.print(SimOptions.USAGE);
            return 0;
        }
        SimOptions options;
        try {
            options = SimOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("raftkv-sim: " + e.getMessage());
            err.print(SimOptions.USAGE);
            return 2;
        }
        return options.seed() != null ? replay(options, out) : batch(options, out);
    }

    private static int replay(SimOptions options, PrintStream out) {
        long seed = options.seed();
        int nodes = options.nodes().forSeed(seed);
        Simulation.Replay replay = Simulation.replay(seed, nodes, options.profile(), options.broken(),
                new Simulation.Options(Trace.printing(out), options.coreLog(), true));
        SeedResult result = replay.result();
        out.println("stats: " + result.stats());
        out.printf("trace: %d lines, hash %016x%n", replay.traceLines(), result.traceHash());
        if (options.historyOut() != null) {
            try {
                Files.write(options.historyOut(), replay.historyLines(), StandardCharsets.UTF_8);
                out.println("history: " + replay.historyLines().size() + " events written to " + options.historyOut());
            } catch (IOException e) {
                out.println("history: could not write " + options.historyOut() + ": " + e);
            }
        }
        if (result.violated() || result.undecided() != null) {
            out.print(result.report());
        }
        out.println("simulated 1 seeds: " + (result.violated() ? 1 : 0) + " violations");
        return result.violated() ? 1 : 0;
    }

    private static int batch(SimOptions options, PrintStream out) {
        long first = options.firstSeed() != null ? options.firstSeed() : freshSeed();
        out.printf("raftkv-sim: seeds %d..%d, nodes %s, profile %s%s, %d threads%s%n", first, first + options.seeds() - 1,
                options.nodes(), options.profile(), options.broken().isEmpty() ? "" : ", broken " + options.broken(),
                options.threads(), options.firstSeed() != null ? "" : " (first seed " + first + " fresh from the clock;"
                        + " rerun with --first-seed " + first + ")");
        out.flush();
        SeedBatch.Summary summary = SeedBatch.run(first, options.seeds(), options.nodes(), options.profile(),
                options.broken(), options.threads(), false, result -> {
                    synchronized (out) {
                        out.print(result.report());
                        out.flush();
                    }
                });
        out.println(summary.line());
        return summary.violations() == 0 ? 0 : 1;
    }

    /** A first seed for a batch that no earlier run is likely to have used. */
    static long freshSeed() {
        return System.currentTimeMillis() * 1000 + (System.nanoTime() / 1000) % 1000;
    }
}
