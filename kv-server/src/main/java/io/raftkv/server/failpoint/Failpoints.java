package io.raftkv.server.failpoint;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Test-only fault injection at named points of the node, armed by {@code --failpoints
 * name=action,...} and off otherwise (the chaos harness restarts a node with one armed). In the
 * spirit of etcd's gofail and TiKV's fail-rs, with a fixed set of points:
 *
 * <ul>
 *   <li>{@value #BEFORE_LOG_APPEND}, {@value #AFTER_LOG_APPEND}: around the raft loop's synced log
 *       write (entries and hard state);
 *   <li>{@value #BEFORE_APPLY}, {@value #AFTER_APPLY}: around the apply thread's state machine write;
 *   <li>{@value #SNAPSHOT_SAVE}: before a checkpoint is taken, on the checkpoint thread (the apply
 *       thread goes on meanwhile);
 *   <li>{@value #SNAPSHOT_INSTALL}: before the apply thread installs a received snapshot.
 * </ul>
 *
 * <p>Actions: {@code off}; {@code crash} (halt at the first hit, without shutdown hooks, as a
 * kill -9 would); {@code crash-after:N} (halt at the Nth hit); {@code crash-prob:P} or
 * {@code crash-prob:P:SEED} (halt at each hit with probability P, drawn from a generator seeded with
 * SEED, by default the node id, so a run can be replayed); {@code stall:MS} (sleep MS milliseconds
 * at every hit: a slow disk or a long pause on that thread). A halt exits with
 * {@link #CRASH_EXIT_STATUS} so a harness can tell a failpoint crash from other deaths.
 *
 * <p>A disabled instance ({@link #disabled()}, or no {@code --failpoints}) costs one read of a final
 * boolean per hit. Thread-safe: the raft loop and the apply thread hit their points concurrently.
 */
public final class Failpoints {
    private static final Logger log = LoggerFactory.getLogger(Failpoints.class);

    public static final String BEFORE_LOG_APPEND = "before-log-append";
    public static final String AFTER_LOG_APPEND = "after-log-append";
    public static final String BEFORE_APPLY = "before-apply";
    public static final String AFTER_APPLY = "after-apply";
    public static final String SNAPSHOT_SAVE = "snapshot-save";
    public static final String SNAPSHOT_INSTALL = "snapshot-install";
    /** Every point the node has, in the order a write meets them. */
    public static final List<String> NAMES = List.of(BEFORE_LOG_APPEND, AFTER_LOG_APPEND, BEFORE_APPLY, AFTER_APPLY,
            SNAPSHOT_SAVE, SNAPSHOT_INSTALL);
    /** Exit status of a process halted by a failpoint. */
    public static final int CRASH_EXIT_STATUS = 99;
    /** Longest stall accepted: a minute is far past any election timeout, so more is a typo. */
    static final long STALL_MILLIS_MAX = 60_000;

    private static final Failpoints DISABLED = new Failpoints(0, Map.of(), status -> { }, millis -> { });

    private final boolean enabled;
    private final long nodeId;
    private final Map<String, Action> actions;
    private final IntConsumer halt;
    private final LongConsumer sleep;

    private Failpoints(long nodeId, Map<String, Action> actions, IntConsumer halt, LongConsumer sleep) {
        this.enabled = !actions.isEmpty();
        this.nodeId = nodeId;
        this.actions = actions;
        this.halt = halt;
        this.sleep = sleep;
    }

    /** No failpoint armed: every {@link #hit} returns at once. */
    public static Failpoints disabled() {
        return DISABLED;
    }

    /**
     * The failpoints of {@code --failpoints} for node {@code nodeId}; halts the process for real.
     *
     * @throws IllegalArgumentException naming the unknown point or the bad action
     */
    public static Failpoints of(Map<String, String> config, long nodeId) {
        return of(config, nodeId, status -> Runtime.getRuntime().halt(status), Failpoints::sleepMillis);
    }

    /** As {@link #of(Map, long)} with the halt and the sleep replaced (for tests). */
    public static Failpoints of(Map<String, String> config, long nodeId, IntConsumer halt, LongConsumer sleep) {
        Map<String, Action> actions = new TreeMap<>();
        config.forEach((name, action) -> {
            Action parsed = parse(name, action, nodeId);
            if (!(parsed instanceof Off)) {
                actions.put(name, parsed);
            }
        });
        if (actions.isEmpty()) {
            return new Failpoints(nodeId, Map.of(), halt, sleep);
        }
        return new Failpoints(nodeId, Collections.unmodifiableMap(actions), halt, sleep);
    }

    /** True when at least one point is armed. */
    public boolean enabled() {
        return enabled;
    }

    /** Runs the action armed at point {@code name}, if any. Call only with a name from {@link #NAMES}. */
    public void hit(String name) {
        if (!enabled) {
            return;
        }
        Action action = actions.get(name);
        if (action != null) {
            action.hit(this, name);
        }
    }

    /** {@code before-apply=crash-after:3,...}: the armed points, for the startup warning. */
    public String describe() {
        StringJoiner joiner = new StringJoiner(",");
        actions.forEach((name, action) -> joiner.add(name + "=" + action.text()));
        return joiner.toString();
    }

    private void crash(String name, String why) {
        log.error("node={} failpoint {} fired: {}; halting with status {}", nodeId, name, why, CRASH_EXIT_STATUS);
        System.err.flush();
        halt.accept(CRASH_EXIT_STATUS);
    }

    private static Action parse(String name, String action, long nodeId) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("unknown failpoint '" + name + "'; the node has " + String.join(", ", NAMES));
        }
        String[] parts = action.split(":", -1);
        String kind = parts[0];
        try {
            return switch (kind) {
                case "off" -> arity(parts, 1, new Off());
                case "crash" -> arity(parts, 1, new CrashAfter(1, action));
                case "crash-after" -> {
                    long hits = Long.parseLong(argument(parts));
                    require(hits >= 1, "crash-after needs N >= 1");
                    yield new CrashAfter(hits, action);
                }
                case "crash-prob" -> {
                    require(parts.length == 2 || parts.length == 3, "crash-prob takes P or P:SEED");
                    double probability = Double.parseDouble(parts[1]);
                    require(probability > 0 && probability <= 1, "crash-prob needs 0 < P <= 1");
                    long seed = parts.length == 3 ? Long.parseLong(parts[2]) : nodeId;
                    yield new CrashProbability(probability, seed, action);
                }
                case "stall" -> {
                    long millis = Long.parseLong(argument(parts));
                    require(millis >= 1 && millis <= STALL_MILLIS_MAX, "stall needs 1 <= MS <= " + STALL_MILLIS_MAX);
                    yield new Stall(millis, action);
                }
                default -> throw new IllegalArgumentException("unknown action");
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("failpoint " + name + ": bad action '" + action + "' (" + e.getMessage()
                    + "); actions are off, crash, crash-after:N, crash-prob:P[:SEED], stall:MS", e);
        }
    }

    private static <T> T arity(String[] parts, int expected, T value) {
        require(parts.length == expected, "takes no argument");
        return value;
    }

    private static String argument(String[] parts) {
        require(parts.length == 2, "takes one argument");
        return parts[1];
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What an armed point does when hit. */
    private sealed interface Action permits Off, CrashAfter, CrashProbability, Stall {
        void hit(Failpoints owner, String name);

        String text();
    }

    private record Off() implements Action {
        @Override
        public void hit(Failpoints owner, String name) {}

        @Override
        public String text() {
            return "off";
        }
    }

    private record CrashAfter(long hitsMax, String text, AtomicLong hits) implements Action {
        CrashAfter(long hitsMax, String text) {
            this(hitsMax, text, new AtomicLong());
        }

        @Override
        public void hit(Failpoints owner, String name) {
            long hit = hits.incrementAndGet();
            if (hit >= hitsMax) {
                owner.crash(name, text + " at hit " + hit);
            }
        }
    }

    private static final class CrashProbability implements Action {
        private final double probability;
        private final String text;
        /** SplittableRandom is not thread-safe; guarded by itself. */
        private final SplittableRandom random;

        CrashProbability(double probability, long seed, String text) {
            this.probability = probability;
            this.text = text;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public void hit(Failpoints owner, String name) {
            double draw;
            synchronized (random) {
                draw = random.nextDouble();
            }
            if (draw < probability) {
                owner.crash(name, text + " (drew " + draw + ")");
            }
        }

        @Override
        public String text() {
            return text;
        }
    }

    private record Stall(long millis, String text) implements Action {
        @Override
        public void hit(Failpoints owner, String name) {
            owner.sleep.accept(millis);
        }
    }
}
