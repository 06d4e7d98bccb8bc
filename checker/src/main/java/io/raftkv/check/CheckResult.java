package io.raftkv.check;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of checking a history: the overall verdict, one result per key (in key order), and
 * size and time for the summary line. The overall verdict is NotLinearizable if any key is,
 * else Unknown if any key is undecided, else Linearizable. Immutable.
 */
public record CheckResult(Verdict verdict, List<KeyResult> keys, int operationCount, Duration elapsed) {

    public CheckResult {
        Objects.requireNonNull(verdict, "verdict");
        keys = List.copyOf(keys);
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public boolean isLinearizable() {
        return verdict instanceof Verdict.Linearizable;
    }

    /**
     * One line: {@code linearizable: yes (N ops, K keys, T ms)}, {@code linearizable: no (keys
     * "a", "b"; N ops, K keys, T ms)} or {@code linearizable: unknown (reason)}.
     */
    public String summary() {
        String size = operationCount + " ops, " + keys.size() + " keys, " + elapsed.toMillis() + " ms";
        return switch (verdict) {
            case Verdict.Linearizable yes -> "linearizable: yes (" + size + ")";
            case Verdict.NotLinearizable no -> "linearizable: no (" + failingKeys(no) + "; " + size + ")";
            case Verdict.Unknown unknown -> "linearizable: unknown (" + unknown.reason() + "; " + size + ")";
        };
    }

    /** The summary line followed, for a violation, by each violation's report. */
    public String report() {
        StringBuilder out = new StringBuilder(summary()).append('\n');
        if (verdict instanceof Verdict.NotLinearizable no) {
            no.violations().forEach(violation -> out.append(violation.describe()));
        }
        return out.toString();
    }

    private static String failingKeys(Verdict.NotLinearizable no) {
        List<Violation> violations = no.violations();
        StringBuilder out = new StringBuilder(violations.size() == 1 ? "key " : "keys ");
        int shown = Math.min(violations.size(), 10);
        for (int i = 0; i < shown; i++) {
            out.append(i == 0 ? "" : ", ").append(JsonText.quote(violations.get(i).key()));
        }
        if (violations.size() > shown) {
            out.append(" and ").append(violations.size() - shown).append(" more");
        }
        return out.toString();
    }
}
