package io.raftkv.check;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a key-value history is linearizable, for a register per key with read, write
 * and compare-and-set.
 *
 * <p>How: linearizability is local (Herlihy and Wing), so each key is checked on its own (the
 * P-compositionality of Lowe, "Testing for linearizability", 2017); each key runs the Wing-Gong
 * search with Lowe's memo of (linearized set, state), as Porcupine and Knossos' "linear" checker
 * do (see {@link KeySearch}). For a key that fails, {@link PrefixMinimizer} bisects for the
 * shortest failing prefix.
 *
 * <p>Semantics: ok took effect exactly once between invoke and completion; fail took no effect
 * and is ignored; info (or no completion at all) may take effect at any moment after the invoke,
 * even after the info event, or never; reads with unknown outcome are dropped.
 *
 * <p>Bounded: keys are checked in order under one deadline for the whole history, and each key's
 * memo under {@link CheckLimits#memoBytesMax()}; either limit yields {@link Verdict.Unknown}.
 * Stateless and thread-safe.
 */
public final class LinearizabilityChecker {
    private LinearizabilityChecker() {}

    public static CheckResult check(History history, Duration timeout) {
        return check(history, CheckLimits.of(timeout));
    }

    public static CheckResult check(History history, CheckLimits limits) {
        long startNanos = System.nanoTime();
        Deadline deadline = Deadline.after(limits.timeout());
        List<KeyResult> results = new ArrayList<>();
        for (Map.Entry<String, History> key : history.byKey().entrySet()) {
            results.add(checkKey(key.getKey(), key.getValue(), limits, deadline));
        }
        return new CheckResult(combine(results), results, history.size(),
                Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private static KeyResult checkKey(String key, History keyHistory, CheckLimits limits, Deadline deadline) {
        if (deadline.passed()) {
            return new KeyResult(key, keyHistory.size(),
                    new Verdict.Unknown("timeout " + describe(limits.timeout()) + " passed before key "
                            + JsonText.quote(key) + " was checked"), 0);
        }
        SearchResult result = KeySearch.run(KeyProblem.encode(keyHistory), limits.memoBytesMax(), deadline);
        Verdict verdict = switch (result.status()) {
            case LINEARIZABLE -> new Verdict.Linearizable();
            case NOT_LINEARIZABLE -> new Verdict.NotLinearizable(List.of(
                    PrefixMinimizer.shortestFailingPrefix(key, keyHistory, limits.memoBytesMax(), deadline)));
            case DEADLINE_PASSED -> new Verdict.Unknown("timeout " + describe(limits.timeout())
                    + " passed while checking key " + JsonText.quote(key) + " (" + keyHistory.size()
                    + " ops, " + result.statesExplored() + " states explored)");
            case MEMO_FULL -> new Verdict.Unknown("memo for key " + JsonText.quote(key) + " reached its limit of "
                    + (limits.memoBytesMax() >> 20) + " MiB (" + keyHistory.size() + " ops, "
                    + result.statesExplored() + " states explored)");
        };
        return new KeyResult(key, keyHistory.size(), verdict, result.statesExplored());
    }

    /** Any violation wins: an undecided key cannot make a violation elsewhere go away. */
    static Verdict combine(List<KeyResult> results) {
        List<Violation> violations = new ArrayList<>();
        List<String> unknownReasons = new ArrayList<>();
        for (KeyResult result : results) {
            switch (result.verdict()) {
                case Verdict.NotLinearizable no -> violations.addAll(no.violations());
                case Verdict.Unknown unknown -> unknownReasons.add(unknown.reason());
                case Verdict.Linearizable yes -> { }
            }
        }
        if (!violations.isEmpty()) {
            return new Verdict.NotLinearizable(violations);
        }
        if (!unknownReasons.isEmpty()) {
            String more = unknownReasons.size() > 1 ? "; " + (unknownReasons.size() - 1) + " more keys undecided" : "";
            return new Verdict.Unknown(unknownReasons.get(0) + more);
        }
        return new Verdict.Linearizable();
    }

    private static String describe(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
    }
}
