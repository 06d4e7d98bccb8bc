package io.raftkv.server.storage;

/**
 * Read access to the state machine's keys, either a consistent snapshot of the database (client
 * reads) or the database overlaid with the apply batch in progress (reads inside a transaction see
 * its earlier writes). Keys are the stored keys of {@link StateKeys}.
 */
interface KvReader {
    /** The value under {@code key}, or null. */
    byte[] get(byte[] key);

    /**
     * Visits the keys in {@code [from, to)} in byte order until the visitor returns false.
     * {@code to} is exclusive and must be greater than {@code from} (an empty range visits nothing).
     */
    void scan(byte[] from, byte[] to, Visitor visitor);

    @FunctionalInterface
    interface Visitor {
        boolean visit(byte[] key, byte[] value);
    }
}
