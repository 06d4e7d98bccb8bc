package io.raftkv.check;

import java.util.List;
import java.util.Objects;

/** The answer for one key or a whole history. Immutable. */
public sealed interface Verdict permits Verdict.Linearizable, Verdict.NotLinearizable, Verdict.Unknown {

    /** Some order of the operations explains every result. */
    record Linearizable() implements Verdict {}

    /** No order does; each violation names a key and the shortest failing prefix found for it. */
    record NotLinearizable(List<Violation> violations) implements Verdict {
        public NotLinearizable {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("a violation verdict needs at least one violation");
            }
        }
    }

    /** The check gave up (deadline, memo budget) before deciding; {@code reason} says which and where. */
    record Unknown(String reason) implements Verdict {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
