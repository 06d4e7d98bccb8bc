package io.raftkv.check;

import java.util.Objects;

/** The verdict for one key, with how many operations it had and memo states its check explored. Immutable. */
public record KeyResult(String key, int operationCount, Verdict verdict, long statesExplored) {
    public KeyResult {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(verdict, "verdict");
    }
}
