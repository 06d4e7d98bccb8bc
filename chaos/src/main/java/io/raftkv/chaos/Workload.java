package io.raftkv.chaos;

import io.raftkv.check.Command;
import io.raftkv.check.EventType;
import io.raftkv.check.HistoryWriter;
import io.raftkv.check.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients: {@code workers} processes, each running one operation at a time on a few keys
 * (linearizable reads, writes of unique values, compare-and-set), capped together at
 * {@code opsRate} operations per second, recording every invoke and completion in the history.
 * Reads go to the worker's own node (so followers serve ReadIndex reads too, and a stale node would
 * be caught); writes go to the leader. Thread-safe.
 */
final class Workload {
    /** One attempt of a read. */
    static final Duration READ_DEADLINE = Duration.ofMillis(1000);
    /** One attempt of a write; an unknown outcome is retried with the same request id. */
    static final Duration WRITE_ATTEMPT_DEADLINE = Duration.ofMillis(1500);
    /** A write still unknown after this long is recorded as info (it may take effect later). */
    static final Duration WRITE_DEADLINE = Duration.ofSeconds(10);

    final ClusterClient client;
    final LeaderWatch leaders;
    final HistoryWriter history;
    final OperationCounts counts = new OperationCounts();
    final AcknowledgedWrites acknowledged = new AcknowledgedWrites();
    final List<String> keys;
    final int nodes;
    private final AtomicLong nextValue = new AtomicLong(1);
    /** Last value seen per key (from reads and acknowledged writes): what a cas expects. */
    private final ConcurrentHashMap<String, Value> lastSeen = new ConcurrentHashMap<>();
    private final long intervalNanos;
    private final Object rateLock = new Object();
    private long nextStartNanos;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean stopping;

    Workload(ChaosOptions options, ClusterClient client, LeaderWatch leaders, HistoryWriter history) {
        this.client = client;
        this.leaders = leaders;
        this.history = history;
        this.nodes = options.nodes();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < options.keys(); i++) {
            names.add("k" + i);
        }
        this.keys = List.copyOf(names);
        this.intervalNanos = 1_000_000_000L / options.opsRate();
        SplittableRandom seeds = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        for (int process = 0; process < options.workers(); process++) {
            long clientId = (seeds.nextLong() & Long.MAX_VALUE) | 1; // non-zero, and distinct in practice
            workers.add(new Worker(this, process, clientId + process, seeds.split(), 1 + process % nodes));
        }
    }

    void start() {
        for (Worker worker : workers) {
            Thread thread = Thread.ofPlatform().daemon().name("chaos-worker-" + worker.process())
                    .uncaughtExceptionHandler((failed, error) -> {
                        // A worker dies only from a harness bug; say so loudly (the run goes on with the others).
                        System.err.println("chaos: worker " + worker.process() + " died: " + error);
                        error.printStackTrace();
                    }).start(worker);
            threads.add(thread);
        }
    }

    /** Asks every worker to stop after its current operation, and waits up to {@code timeout}. */
    void stop(Duration timeout) throws InterruptedException {
        stopping = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread thread : threads) {
            thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        }
    }

    boolean stopping() {
        return stopping;
    }

    /** A fresh value, never written before in this run. */
    long newValue() {
        return nextValue.getAndIncrement();
    }

    Value lastSeen(String key) {
        return lastSeen.getOrDefault(key, Value.NIL);
    }

    void saw(String key, Value value) {
        lastSeen.put(key, value);
    }

    void completed(Command command, EventType outcome) {
        counts.add(command, outcome);
    }

    /** Waits for this worker's turn under the rate cap; false once the workload is stopping. */
    boolean awaitTurn() throws InterruptedException {
        long startAt;
        synchronized (rateLock) {
            long now = System.nanoTime();
            startAt = Math.max(now, nextStartNanos);
            nextStartNanos = startAt + intervalNanos;
        }
        long wait = startAt - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        return !stopping;
    }
}
