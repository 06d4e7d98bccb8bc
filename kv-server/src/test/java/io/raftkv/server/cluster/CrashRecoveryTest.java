package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.RateLimiter;
import io.grpc.StatusRuntimeException;
import io.raftkv.check.Call;
import io.raftkv.check.CheckResult;
import io.raftkv.check.History;
import io.raftkv.check.HistoryReader;
import io.raftkv.check.HistoryWriter;
import io.raftkv.check.LinearizabilityChecker;
import io.raftkv.check.LostWrites;
import io.raftkv.check.Outcome;
import io.raftkv.check.Value;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery with kill -9: three nodes as separate processes, clients reading, writing and
 * compare-and-setting a handful of keys while nodes are killed with SIGKILL (the leader twice, a
 * follower once) and restarted on the same data. The recorded history must be linearizable, and
 * a final read of every key must be explained by it: no acknowledged write may be lost.
 *
 * <p>Outcomes are recorded as a client can know them: ok; fail only when the write certainly did
 * not happen (refused before it was proposed: NOT_LEADER, NO_LEADER, QUEUE_FULL, a validation
 * error; or a cas whose compare failed); info for everything else (a timeout, UNAVAILABLE, a
 * leader change after proposing), which may or may not take effect. A failed read is a fail.
 *
 * <p>The operation mix is seeded: {@code -Dcrash.seed=N} repeats the choices of a run (the timing,
 * and so the history, still differs).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CrashRecoveryTest {
    private static final List<String> KEYS = List.of("k0", "k1", "k2", "k3", "k4");
    private static final int WORKERS = 4;
    private static final int OPERATIONS_PER_WORKER_MAX = 4_000;
    /**
     * All clients together. Unpaced, four clients would keep both cores busy and slow the restart
     * of a killed node (a JVM start) several times over; this rate still gives thousands of
     * operations, which the checker decides in well under a second.
     */
    private static final double OPERATIONS_PER_SECOND = 250;
    private static final Duration CLIENT_DEADLINE = Duration.ofMillis(2_500);
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
    /** Acknowledged writes to wait for after each fault, to be sure the cluster made progress through it. */
    private static final int PROGRESS_STEP = 15;
    /** Refused before proposing: the write certainly took no effect. */
    private static final Set<String> DEFINITE_REFUSALS = Set.of("NOT_LEADER", "NO_LEADER", "QUEUE_FULL", "DISK_FULL",
            "KEY_EMPTY", "KEY_TOO_LARGE", "VALUE_TOO_LARGE", "TOO_MANY_OPS", "BAD_REQUEST");

    @TempDir
    Path dir;

    @Test
    void killingNodesWithSigkillUnderLoadKeepsHistoryLinearizableAndLosesNoAcknowledgedWrite() throws Exception {
        long seed = Long.getLong("crash.seed", System.nanoTime());
        Path historyFile = dir.resolve("history.jsonl");
        Map<String, Value> finalValues = new TreeMap<>();
        ProcessCluster cluster = new ProcessCluster(dir, 3, List.of("--tick-ms", "50", "--election-ticks", "10",
                "--heartbeat-ticks", "1", "--request-timeout-ms", "2000"));
        Load load = null;
        try (cluster; HistoryWriter history = HistoryWriter.create(historyFile)) {
            for (long id : cluster.ids()) {
                cluster.start(id);
            }
            long startNanos = System.nanoTime();
            long leader = cluster.awaitLeader(STARTUP_TIMEOUT);
            System.out.printf("crash recovery: 3 node processes up, node %d leads, after %d ms%n", leader,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            load = new Load(cluster, history, leader, seed);
            load.start();

            load.awaitOkWrites(PROGRESS_STEP);
            killAndRestart(cluster, load, cluster.awaitLeader(PHASE_TIMEOUT));
            long current = cluster.awaitLeader(PHASE_TIMEOUT);
            long follower = cluster.ids().stream().filter(id -> id != current).findFirst().orElseThrow();
            killAndRestart(cluster, load, follower);
            killAndRestart(cluster, load, cluster.awaitLeader(PHASE_TIMEOUT));
            load.awaitOkWrites(load.okWrites() + PROGRESS_STEP);
            load.stop();

            leader = cluster.awaitLeader(PHASE_TIMEOUT);
            for (String key : KEYS) {
                finalValues.put(key, readFinal(cluster, leader, key));
            }
            for (long id : cluster.ids()) {
                for (String key : KEYS) {
                    assertEquals(finalValues.get(key), readFinal(cluster, id, key), "final value of " + key + " on node " + id);
                }
            }
        } catch (Throwable e) {
            preserveEvidence(historyFile, cluster);
            throw e;
        } finally {
            if (load != null) {
                load.halt();
            }
        }

        History history = HistoryReader.read(historyFile);
        CheckResult linearizable = LinearizabilityChecker.check(history, CHECK_TIMEOUT);
        CheckResult withFinalReads = LostWrites.check(history, finalValues, CHECK_TIMEOUT);
        Map<Outcome, Integer> outcomes = new TreeMap<>();
        history.operations().forEach(operation -> outcomes.merge(operation.outcome(), 1, Integer::sum));
        System.out.printf("crash recovery (seed %d): %d operations checked %s, %d ok writes; %s; with final reads %s%n",
                seed, linearizable.operationCount(), outcomes, load.okWrites(), linearizable.summary(),
                withFinalReads.summary());
        if (Boolean.getBoolean("crash.keep") || !linearizable.isLinearizable() || !withFinalReads.isLinearizable()) {
            preserveEvidence(historyFile, cluster);
        }
        assertTrue(linearizable.isLinearizable(), linearizable::report);
        assertTrue(withFinalReads.isLinearizable(), () -> "an acknowledged write is missing from the final state "
                + finalValues + "\n" + withFinalReads.report());
        assertTrue(outcomes.getOrDefault(Outcome.OK, 0) > 100, "too few operations succeeded to prove anything: " + outcomes);
    }

    /** Kills {@code victim}, waits until the others acknowledge more writes, then restarts it and waits for agreement. */
    private static void killAndRestart(ProcessCluster cluster, Load load, long victim) throws Exception {
        long start = System.nanoTime();
        cluster.kill(victim);
        load.awaitOkWrites(load.okWrites() + PROGRESS_STEP);
        long progressed = System.nanoTime();
        cluster.start(victim);
        cluster.awaitLeader(PHASE_TIMEOUT);
        long rejoined = System.nanoTime();
        load.awaitOkWrites(load.okWrites() + PROGRESS_STEP);
        System.out.printf("crash recovery: killed node %d; %d writes acknowledged without it after %d ms; it rejoined after %d ms more;"
                        + " the cluster made progress again after %d ms more%n", victim, PROGRESS_STEP,
                TimeUnit.NANOSECONDS.toMillis(progressed - start), TimeUnit.NANOSECONDS.toMillis(rejoined - progressed),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rejoined));
    }

    /** A quiescent linearizable read of {@code key} on node {@code id}, retried while the node is busy. */
    private static Value readFinal(ProcessCluster cluster, long id, String key) {
        AtomicReference<Value> value = new AtomicReference<>();
        InProcessCluster.await(PHASE_TIMEOUT, "a final read of " + key + " on node " + id, () -> {
            try {
                RangeResponse response = cluster.kv(id, CLIENT_DEADLINE).range(Rpcs.get(key));
                value.set(response.getKvsCount() == 0 ? Value.NIL : parse(Rpcs.text(response.getKvs(0).getValue())));
                return true;
            } catch (StatusRuntimeException e) {
                return false;
            }
        });
        return value.get();
    }

    private static Value parse(String text) {
        return new Value.Int(Long.parseLong(text));
    }

    /** Keeps the history and node logs of a failed run under target/, since the temp dir is deleted. */
    private static void preserveEvidence(Path historyFile, ProcessCluster cluster) {
        Path evidence = Path.of("target", "crash-recovery-" + System.currentTimeMillis());
        try {
            Files.createDirectories(evidence);
            if (Files.exists(historyFile)) {
                Files.copy(historyFile, evidence.resolve("history.jsonl"), StandardCopyOption.REPLACE_EXISTING);
            }
            for (long id : cluster.ids()) {
                if (Files.exists(cluster.logFile(id))) {
                    Files.copy(cluster.logFile(id), evidence.resolve("node-" + id + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            System.out.println("crash recovery: history and node logs kept in " + evidence.toAbsolutePath());
        } catch (IOException e) {
            System.out.println("crash recovery: could not keep the evidence: " + e);
        }
    }

    /** The client threads and what they have achieved. */
    private static final class Load {
        private final List<Thread> threads = new ArrayList<>();
        private final AtomicInteger okWrites = new AtomicInteger();
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final AtomicLong leaderHint;
        private final AtomicInteger nextProcess = new AtomicInteger();
        private final RateLimiter pace = RateLimiter.create(OPERATIONS_PER_SECOND);
        private volatile boolean stopped;

        Load(ProcessCluster cluster, HistoryWriter history, long leader, long seed) {
            this.leaderHint = new AtomicLong(leader);
            SplittableRandom seeds = new SplittableRandom(seed);
            for (int i = 0; i < WORKERS; i++) {
                Worker worker = new Worker(cluster, history, i, seeds.split());
                threads.add(new Thread(() -> {
                    try {
                        worker.run();
                    } catch (RuntimeException | Error e) {
                        failure.compareAndSet(null, e);
                    }
                }, "crash-client-" + i));
            }
        }

        void start() {
            threads.forEach(Thread::start);
        }

        int okWrites() {
            return okWrites.get();
        }

        void awaitOkWrites(int count) {
            InProcessCluster.await(PHASE_TIMEOUT, count + " acknowledged writes (have " + okWrites + ")", () -> {
                if (failure.get() != null) {
                    throw new AssertionError("a client thread failed", failure.get());
                }
                return okWrites.get() >= count;
            });
        }

        /** Stops the clients and fails if one of them failed. */
        void stop() throws InterruptedException {
            halt();
            if (failure.get() != null) {
                throw new AssertionError("a client thread failed", failure.get());
            }
        }

        /** Stops the clients; safe to call again, and on any path out of the test. */
        void halt() throws InterruptedException {
            stopped = true;
            for (Thread thread : threads) {
                thread.join(CLIENT_DEADLINE.toMillis() * 4);
                if (thread.isAlive()) {
                    throw new AssertionError(thread.getName() + " did not stop");
                }
            }
        }

        /**
         * One client: a loop of reads (on any node), writes of unique values and cas (on the node
         * it believes leads). After an operation with an unknown outcome it continues as a new
         * process, as Jepsen does, since that operation may still be in flight.
         */
        private final class Worker {
            private final ProcessCluster cluster;
            private final HistoryWriter history;
            private final int index;
            private final SplittableRandom random;
            /** The value this client last saw or wrote per key: what its cas expects. */
            private final Map<String, Long> lastSeen = new HashMap<>();
            private int process;
            private long written;

            Worker(ProcessCluster cluster, HistoryWriter history, int index, SplittableRandom random) {
                this.cluster = cluster;
                this.history = history;
                this.index = index;
                this.random = random;
                this.process = nextProcess.getAndIncrement();
            }

            void run() {
                for (int operation = 0; !stopped && operation < OPERATIONS_PER_WORKER_MAX; operation++) {
                    pace.acquire();
                    String key = KEYS.get(random.nextInt(KEYS.size()));
                    int dice = random.nextInt(10);
                    if (dice < 4) {
                        read(key);
                    } else if (dice < 8 || !lastSeen.containsKey(key)) {
                        write(key);
                    } else {
                        cas(key);
                    }
                }
            }

            private void read(String key) {
                List<Long> ids = cluster.ids();
                long node = ids.get(random.nextInt(ids.size()));
                history.invoke(process, key, Call.read());
                try {
                    RangeResponse response = cluster.kv(node, CLIENT_DEADLINE).range(Rpcs.get(key));
                    Long value = response.getKvsCount() == 0 ? null : Long.parseLong(Rpcs.text(response.getKvs(0).getValue()));
                    history.ok(process, key, Call.read(value));
                    if (value != null) {
                        lastSeen.put(key, value);
                    }
                } catch (StatusRuntimeException e) {
                    // A read changes nothing, so a failed one is simply ignored by the checker.
                    history.fail(process, key, Call.read());
                }
            }

            private void write(String key) {
                long value = nextValue();
                Call call = Call.write(value);
                long node = leaderHint.get();
                history.invoke(process, key, call);
                try {
                    cluster.kv(node, CLIENT_DEADLINE).put(Rpcs.put(key, Long.toString(value)));
                    history.ok(process, key, call);
                    lastSeen.put(key, value);
                    okWrites.incrementAndGet();
                } catch (StatusRuntimeException e) {
                    failed(key, call, node, e);
                }
            }

            private void cas(String key) {
                long expected = lastSeen.get(key);
                long replacement = nextValue();
                Call call = Call.cas(expected, replacement);
                long node = leaderHint.get();
                history.invoke(process, key, call);
                try {
                    TxnResponse response = cluster.kv(node, CLIENT_DEADLINE).txn(TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(Rpcs.bytes(key)).setTarget(Compare.CompareTarget.VALUE)
                                    .setResult(Compare.CompareResult.EQUAL).setValue(Rpcs.bytes(Long.toString(expected))))
                            .addSuccess(RequestOp.newBuilder().setRequestPut(Rpcs.put(key, Long.toString(replacement))))
                            .build());
                    if (response.getSucceeded()) {
                        history.ok(process, key, call);
                        lastSeen.put(key, replacement);
                        okWrites.incrementAndGet();
                    } else {
                        history.fail(process, key, call); // the compare failed: nothing was written
                        lastSeen.remove(key);
                    }
                } catch (StatusRuntimeException e) {
                    failed(key, call, node, e);
                }
            }

            private void failed(String key, Call call, long node, StatusRuntimeException e) {
                String code = Rpcs.errorCode(e);
                if (code != null && DEFINITE_REFUSALS.contains(code)) {
                    history.fail(process, key, call);
                } else {
                    history.info(process, key, call);
                    process = nextProcess.getAndIncrement();
                }
                NotLeader hint = Rpcs.notLeader(e);
                if (hint != null && hint.getLeaderId() != 0) {
                    leaderHint.compareAndSet(node, hint.getLeaderId());
                } else {
                    List<Long> ids = cluster.ids();
                    leaderHint.compareAndSet(node, ids.get((ids.indexOf(node) + 1) % ids.size()));
                }
            }

            /** Unique across clients: client index in the high digits. */
            private long nextValue() {
                return (index + 1) * 1_000_000_000L + ++written;
            }
        }
    }
}
