package io.raftkv.check;

/** How an operation ended. INFO and PENDING mean the same to the checker; they differ only in reports. */
public enum Outcome {
    /** Took effect exactly once between invoke and completion. */
    OK,
    /** Took no effect; the checker ignores the operation. */
    FAIL,
    /** Unknown: may take effect at any moment after the invoke, even after the info event, or never. */
    INFO,
    /** No completion in the history: treated exactly as INFO. */
    PENDING;

    /** True when the operation may take effect at any later time, or never. */
    public boolean isUncertain() {
        return this == INFO || this == PENDING;
    }
}
