package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;

/**
 * Settings of a node's storage, checked when built.
 *
 * @param tailCacheBytesMax  bytes of recent log entries kept in memory (the leader re-reads them to send)
 * @param diskReserveBytes   free space below which client writes are refused (RESOURCE_EXHAUSTED)
 * @param retainEntries      log entries kept at or below a new snapshot, for slightly lagging followers
 */
public record StorageOptions(long tailCacheBytesMax, long diskReserveBytes, long retainEntries) {
    public static final StorageOptions DEFAULTS = new StorageOptions(64L << 20, DiskReserve.DEFAULT_RESERVE_BYTES, 5_000);

    public StorageOptions {
        Invariants.check(tailCacheBytesMax >= 0, "tailCacheBytesMax must be >= 0, got %d", tailCacheBytesMax);
        Invariants.check(diskReserveBytes >= 0, "diskReserveBytes must be >= 0, got %d", diskReserveBytes);
        Invariants.check(retainEntries >= 0, "retainEntries must be >= 0, got %d", retainEntries);
    }
}
