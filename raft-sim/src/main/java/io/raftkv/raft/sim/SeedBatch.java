package io.raftkv.raft.sim;

import io.raftkv.raft.BrokenRule;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Runs seeds {@code first, first+1, ...} on a fixed pool of threads, one seed per thread at a time
 * (each seed is single-threaded and deterministic, so the thread that runs it does not matter).
 * Keeps counters and the first {@link #KEPT_MAX} problems only, so a million seeds need no more
 * memory than one. Thread-safe.
 */
final class SeedBatch {
    static final int KEPT_MAX = 20;

    /** Which cluster size a seed runs with: fixed, or 3 for even and 5 for odd seeds. */
    record NodeCount(int fixed) {
        static final NodeCount MIXED = new NodeCount(0);

        int forSeed(long seed) {
            return fixed != 0 ? fixed : (seed % 2 == 0 ? 3 : 5);
        }

        @Override
        public String toString() {
            return fixed != 0 ? Integer.toString(fixed) : "3 (even seeds) and 5 (odd seeds)";
        }
    }

    /** The batch's outcome; {@code problems} are violations (and undecided seeds), lowest seed first. */
    record Summary(long seeds, long violations, long undecided, Duration elapsed, Duration cpu, int threads,
                   List<SeedResult> problems, long ticks, long operations, long messages) {
        double seedsPerSecond() {
            return seeds / Math.max(1e-9, elapsed.toNanos() / 1e9);
        }

        /** Seeds per second of the workers' own CPU time: the rate per core, whatever else runs. */
        double seedsPerCpuSecond() {
            return seeds / Math.max(1e-9, cpu.toNanos() / 1e9);
        }

        /** The lowest seed with a violation, or -1. */
        long firstViolatingSeed() {
            return problems.stream().filter(SeedResult::violated).mapToLong(result -> result.scenario().seed()).min().orElse(-1);
        }

        String line() {
            return String.format("simulated %d seeds: %d violations%s (%.1f s, %.0f seeds/s on %d threads, %.0f seeds/s per"
                            + " CPU-second; %d ticks, %d operations, %d messages)",
                    seeds, violations, undecided == 0 ? "" : ", " + undecided + " undecided", elapsed.toNanos() / 1e9,
                    seedsPerSecond(), threads, seedsPerCpuSecond(), ticks, operations, messages);
        }
    }

    private SeedBatch() {}

    /**
     * Runs {@code count} seeds from {@code first}. With {@code stopAtFirstViolation}, threads stop
     * taking new seeds once one fails; every lower seed still finishes, so the lowest failing seed is
     * the same whatever the thread count. {@code onProblem} sees each problem as it happens (from
     * worker threads).
     */
    static Summary run(long first, long count, NodeCount nodes, FaultProfile profile, Set<BrokenRule> brokenRules,
                       int threads, boolean stopAtFirstViolation, Consumer<SeedResult> onProblem) {
        return run(first, count, nodes, profile, brokenRules, Simulation.Options.BATCH, threads, stopAtFirstViolation,
                onProblem);
    }

    /** As above, with the given options (their trace must be off: seeds run in parallel). */
    static Summary run(long first, long count, NodeCount nodes, FaultProfile profile, Set<BrokenRule> brokenRules,
                       Simulation.Options options, int threads, boolean stopAtFirstViolation,
                       Consumer<SeedResult> onProblem) {
        if (options.trace().on()) {
            throw new IllegalArgumentException("a batch runs seeds in parallel and cannot share a trace");
        }
        long start = System.nanoTime();
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicLong violations = new AtomicLong();
        AtomicLong undecided = new AtomicLong();
        AtomicLong ticks = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        AtomicLong messages = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        ThreadMXBean cpuClock = ManagementFactory.getThreadMXBean();
        AtomicBoolean stop = new AtomicBoolean();
        List<SeedResult> problems = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "raftkv-sim-worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    long cpuStart = cpuClock.getCurrentThreadCpuTime();
                    for (long i = next.getAndIncrement(); i < count && !stop.get(); i = next.getAndIncrement()) {
                        long seed = first + i;
                        SeedResult result = Simulation.run(seed, nodes.forSeed(seed), profile, brokenRules, options);
                        done.incrementAndGet();
                        ticks.addAndGet(result.stats().ticks());
                        operations.addAndGet(result.stats().operations());
                        messages.addAndGet(result.stats().messagesSent());
                        if (result.violated() || result.undecided() != null) {
                            (result.violated() ? violations : undecided).incrementAndGet();
                            if (result.violated() && stopAtFirstViolation) {
                                stop.set(true);
                            }
                            keep(problems, result);
                            onProblem.accept(result);
                        }
                    }
                    cpuNanos.addAndGet(cpuClock.getCurrentThreadCpuTime() - cpuStart);
                });
            }
            pool.shutdown();
            awaitQuietly(pool);
        } finally {
            pool.shutdownNow();
        }
        List<SeedResult> sorted = new ArrayList<>(problems);
        sorted.sort(Comparator.comparingLong(result -> result.scenario().seed()));
        return new Summary(done.get(), violations.get(), undecided.get(), Duration.ofNanos(System.nanoTime() - start),
                Duration.ofNanos(cpuNanos.get()), threads, sorted, ticks.get(), operations.get(), messages.get());
    }

    private static void keep(List<SeedResult> problems, SeedResult result) {
        synchronized (problems) {
            problems.add(result);
            problems.sort(Comparator.comparingLong(kept -> kept.scenario().seed()));
            while (problems.size() > KEPT_MAX) {
                problems.removeLast();
            }
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        try {
            while (!pool.awaitTermination(1, TimeUnit.HOURS)) {
                // A batch of a million seeds takes hours on two cores; keep waiting.
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while simulating", e);
        }
    }
}
