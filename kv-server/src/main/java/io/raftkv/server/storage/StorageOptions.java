package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;

/**
 * Settings of a node's storage, checked when built.
 *
 * @param tailCacheBytesMax  bytes of recent log entries kept in memory (the leader re-reads them to send)
 * @param diskReserveBytes   free space below which client writes are refused (RESOURCE_EXHAUSTED)
 * @param retainEntries      log entries kept at or below a new snapshot, for slightly lagging followers
 * @param walSegmentBytes    size of each WAL segment file (etcd's are 64 MB too); a save larger than
 *                           that gets a segment of its own size
 */
public record StorageOptions(long tailCacheBytesMax, long diskReserveBytes, long retainEntries, int walSegmentBytes) {
    public static final StorageOptions DEFAULTS = new StorageOptions(64L << 20, DiskReserve.DEFAULT_RESERVE_BYTES, 5_000,
            WalLogStore.DEFAULT_SEGMENT_BYTES);

    public StorageOptions {
        Invariants.check(tailCacheBytesMax >= 0, "tailCacheBytesMax must be >= 0, got %d", tailCacheBytesMax);
        Invariants.check(diskReserveBytes >= 0, "diskReserveBytes must be >= 0, got %d", diskReserveBytes);
        Invariants.check(retainEntries >= 0, "retainEntries must be >= 0, got %d", retainEntries);
        Invariants.check(walSegmentBytes >= WalLogStore.SEGMENT_BYTES_MIN, "walSegmentBytes must be >= %d, got %d",
                WalLogStore.SEGMENT_BYTES_MIN, walSegmentBytes);
    }
}
