package io.raftkv.container;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.raftkv.check.Call;
import io.raftkv.check.HistoryWriter;
import io.raftkv.check.Value;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Clients that read, write and compare-and-set a few keys while faults are injected, recording
 * every operation in a history for the linearizability checker.
 *
 * <p>Each worker is one sequential client with its own client id; writes carry a RequestId, so a
 * write retried on another node after an unknown outcome is applied at most once and answered with
 * its first result. Outcomes: ok; fail when every attempt was refused before it could take effect
 * (NOT_LEADER, NO_LEADER, a full queue, or a compare that did not hold); info when any attempt may
 * have taken effect (timeout, connection lost, leader changed). As in Jepsen, a worker whose
 * operation ended in info continues under a new process id, since that operation may still be
 * pending. Reads that fail are recorded as fail: a read has no effect to be unsure about.
 *
 * <p>Bounded: each operation gives up after {@link #OPERATION_BUDGET}, each attempt after
 * {@link #ATTEMPT_DEADLINE}; workers pause {@link #PAUSE} between operations to keep the history
 * small enough to check in seconds. Seeded: one seed decides every choice. Thread-safe.
 */
final class RecordedWorkload {
    static final Duration ATTEMPT_DEADLINE = Duration.ofMillis(1500);
    static final Duration OPERATION_BUDGET = Duration.ofSeconds(4);
    static final Duration PAUSE = Duration.ofMillis(4);

    /** Operation counts by outcome, for the test's summary line. */
    record Counts(long ok, long fail, long info) {
        long total() {
            return ok + fail + info;
        }

        @Override
        public String toString() {
            return total() + " ops (ok " + ok + ", fail " + fail + ", info " + info + ")";
        }
    }

    private enum Outcome { OK, FAIL, INFO }

    /** What one call ended with: the response if ok, and whether any attempt may have taken effect. */
    private record Attempted<T>(Outcome outcome, T response) {}

    private final NodeChannels nodes;
    private final List<String> keys;
    private final HistoryWriter history;
    private final List<Long> ids;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong leaderHint = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();

    RecordedWorkload(NodeChannels nodes, List<String> keys, HistoryWriter history, int workers, long seed) {
        this.nodes = nodes;
        this.keys = List.copyOf(keys);
        this.history = history;
        this.ids = List.copyOf(nodes.addresses().keySet());
        SplittableRandom seeds = new SplittableRandom(seed);
        for (int worker = 0; worker < workers; worker++) {
            Worker task = new Worker(worker, workers, seeds.split(), seed);
            Thread thread = new Thread(task::run, "workload-" + worker);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Stops the workers after their current operation and waits for them; returns the counts. */
    Counts stop() throws InterruptedException {
        stopping.set(true);
        for (Thread thread : threads) {
            thread.join(OPERATION_BUDGET.multipliedBy(2).toMillis());
            if (thread.isAlive()) {
                throw new AssertionError(thread.getName() + " did not stop within " + OPERATION_BUDGET.multipliedBy(2));
            }
        }
        synchronized (errors) {
            if (!errors.isEmpty()) {
                AssertionError error = new AssertionError("a workload thread failed: " + errors.get(0), errors.get(0));
                errors.stream().skip(1).forEach(error::addSuppressed);
                throw error;
            }
        }
        return counts();
    }

    Counts counts() {
        return new Counts(ok.get(), failed.get(), unknown.get());
    }

    /** Reads {@code key} linearizably, retrying across nodes until {@code timeout}; empty value = missing. */
    static Optional<Long> readUntil(NodeChannels nodes, String key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadline) {
            for (long id : nodes.addresses().keySet()) {
                try {
                    RangeResponse response = nodes.kv(id, ATTEMPT_DEADLINE).range(RangeRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8(key)).build());
                    return response.getKvsCount() == 0 ? Optional.empty() : Optional.of(parse(response.getKvs(0).getValue()));
                } catch (StatusRuntimeException e) {
                    last = e;
                }
            }
            nodes.resetBackoff();
            NodeChannels.sleep(Duration.ofMillis(200));
        }
        throw new AssertionError("could not read " + key + " within " + timeout.toSeconds() + " s", last);
    }

    static Value toValue(Optional<Long> value) {
        return value.<Value>map(Value.Int::new).orElse(Value.NIL);
    }

    private static long parse(ByteString bytes) {
        return Long.parseLong(bytes.toString(StandardCharsets.US_ASCII));
    }

    private static ByteString encode(long value) {
        return ByteString.copyFrom(Long.toString(value), StandardCharsets.US_ASCII);
    }

    private final class Worker {
        private final int worker;
        private final int workers;
        private final SplittableRandom random;
        private final long clientId;
        private final Map<String, Long> lastSeen = new HashMap<>();
        private int process;
        private long sequence;
        private long nextValue;

        Worker(int worker, int workers, SplittableRandom random, long seed) {
            this.worker = worker;
            this.workers = workers;
            this.random = random;
            this.process = worker;
            // Unique per worker and per run, never 0 (0 means "no exactly-once").
            this.clientId = (seed * 1_000_003L + worker + 1) | 1L << 62;
            this.nextValue = (long) worker * 1_000_000_000L;
        }

        void run() {
            try {
                while (!stopping.get()) {
                    String key = keys.get(random.nextInt(keys.size()));
                    int choice = random.nextInt(10);
                    if (choice < 4) {
                        read(key);
                    } else if (choice < 8 || !lastSeen.containsKey(key)) {
                        write(key);
                    } else {
                        compareAndSet(key);
                    }
                    NodeChannels.sleep(PAUSE);
                }
            } catch (Throwable e) {
                synchronized (errors) {
                    errors.add(e);
                }
            }
        }

        private void read(String key) {
            history.invoke(process, key, Call.read());
            long id = ids.get(random.nextInt(ids.size()));
            Attempted<RangeResponse> result = attempt(id, node -> nodes.kv(node, ATTEMPT_DEADLINE)
                    .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build()));
            if (result.outcome() == Outcome.OK) {
                RangeResponse response = result.response();
                Long value = response.getKvsCount() == 0 ? null : parse(response.getKvs(0).getValue());
                if (value != null) {
                    lastSeen.put(key, value);
                }
                history.ok(process, key, Call.read(value));
                ok.incrementAndGet();
            } else {
                history.fail(process, key, Call.read());
                failed.incrementAndGet();
            }
        }

        private void write(String key) {
            long value = ++nextValue;
            RequestId requestId = nextRequestId();
            history.invoke(process, key, Call.write(value));
            Attempted<Object> result = attempt(leaderOrAny(), node -> nodes.kv(node, ATTEMPT_DEADLINE)
                    .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(encode(value))
                            .setRequestId(requestId).build()));
            complete(key, Call.write(value), result.outcome());
            if (result.outcome() == Outcome.OK) {
                lastSeen.put(key, value);
            }
        }

        private void compareAndSet(String key) {
            long expected = lastSeen.get(key);
            long value = ++nextValue;
            RequestId requestId = nextRequestId();
            history.invoke(process, key, Call.cas(expected, value));
            TxnRequest request = TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder().setKey(ByteString.copyFromUtf8(key))
                            .setTarget(Compare.CompareTarget.VALUE).setResult(Compare.CompareResult.EQUAL)
                            .setValue(encode(expected)))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder()
                            .setKey(ByteString.copyFromUtf8(key)).setValue(encode(value))))
                    .setRequestId(requestId).build();
            Attempted<TxnResponse> result = attempt(leaderOrAny(), node -> nodes.kv(node, ATTEMPT_DEADLINE).txn(request));
            Outcome outcome = result.outcome();
            if (outcome == Outcome.OK && !result.response().getSucceeded()) {
                outcome = Outcome.FAIL; // the compare did not hold: a definite no-op
                lastSeen.remove(key);
            } else if (outcome == Outcome.OK) {
                lastSeen.put(key, value);
            }
            complete(key, Call.cas(expected, value), outcome);
        }

        private void complete(String key, Call call, Outcome outcome) {
            switch (outcome) {
                case OK -> {
                    history.ok(process, key, call);
                    ok.incrementAndGet();
                }
                case FAIL -> {
                    history.fail(process, key, call);
                    failed.incrementAndGet();
                }
                case INFO -> {
                    history.info(process, key, call);
                    unknown.incrementAndGet();
                    // The operation may still take effect: this client is "crashed"; carry on as another.
                    process += workers;
                    lastSeen.remove(key);
                }
            }
        }

        private RequestId nextRequestId() {
            return RequestId.newBuilder().setClientId(clientId).setSequence(++sequence).build();
        }

        private long leaderOrAny() {
            long hint = leaderHint.get();
            return hint != 0 && ids.contains(hint) ? hint : ids.get(random.nextInt(ids.size()));
        }

        /**
         * Calls {@code call} on {@code first}, then on other nodes (the leader a refusal names, else
         * the next), until it succeeds or {@link #OPERATION_BUDGET} passes.
         */
        private <T> Attempted<T> attempt(long first, Function<Long, T> call) {
            long deadline = System.nanoTime() + OPERATION_BUDGET.toNanos();
            long node = first;
            boolean mayHaveApplied = false;
            int attempts = 0;
            while (attempts == 0 || System.nanoTime() < deadline) {
                attempts++;
                try {
                    T response = call.apply(node);
                    return new Attempted<>(Outcome.OK, response);
                } catch (StatusRuntimeException e) {
                    String code = NodeChannels.errorCode(e);
                    long hint = NodeChannels.leaderHint(e);
                    if (!refusedBeforeProposing(code)) {
                        mayHaveApplied = true;
                    }
                    if (hint != 0 && ids.contains(hint) && hint != node) {
                        leaderHint.set(hint);
                        node = hint;
                    } else {
                        leaderHint.compareAndSet(node, 0);
                        node = ids.get((ids.indexOf(node) + 1) % ids.size());
                        NodeChannels.sleep(Duration.ofMillis(50 + random.nextInt(50)));
                    }
                    if (stopping.get() && !mayHaveApplied) {
                        break;
                    }
                }
            }
            return new Attempted<>(mayHaveApplied ? Outcome.INFO : Outcome.FAIL, null);
        }
    }

    /**
     * True for answers given before the request was proposed, so it cannot take effect: a follower
     * or candidate refusing it, or a full queue. Everything else (timeouts, lost connections,
     * LEADER_CHANGED, STOPPING, no trailer at all) may come after the entry was appended.
     */
    static boolean refusedBeforeProposing(String code) {
        return code != null && switch (code) {
            case "NOT_LEADER", "NO_LEADER", "QUEUE_FULL", "DISK_FULL", "KEY_EMPTY", "KEY_TOO_LARGE",
                 "VALUE_TOO_LARGE", "TOO_MANY_OPS", "BAD_REQUEST" -> true;
            default -> false;
        };
    }
}
