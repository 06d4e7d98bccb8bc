package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Refuses client writes while the data directory's free space is below a reserve, so the disk never
 * fills up under the log (etcd#3591, tikv#10264): a node that ran out of space mid-write may not be
 * able to restart, while one that stopped taking writes early keeps serving reads, can still
 * append the leader's entries and snapshots from the reserve, and recovers as soon as space is
 * freed. Thread-safe (stateless apart from its settings).
 */
public final class DiskReserve {
    /** Default reserve: enough for RocksDB to flush and compact a few times after writes stop. */
    public static final long DEFAULT_RESERVE_BYTES = 256L << 20;

    /**
     * How long a measurement is reused. Every client write checks the reserve, on the network
     * thread; a statvfs per write was 5% of that thread's time at 3,000 puts/s. The reserve is
     * hundreds of MiB, far more than 100 ms of writes can use.
     */
    static final long MEASURE_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path directory;
    private final long reserveBytes;
    /** The last measurement, and when it was taken (System.nanoTime); racy reuse is harmless. */
    private volatile Measurement last;

    private record Measurement(long freeBytes, long atNanos) {}

    public DiskReserve(Path directory, long reserveBytes) {
        Invariants.check(reserveBytes >= 0, "disk reserve must be >= 0 bytes, got %d", reserveBytes);
        this.directory = directory;
        this.reserveBytes = reserveBytes;
    }

    /** Free bytes, measured at most {@link #MEASURE_EVERY_NANOS} ago. */
    public long freeBytes() {
        long now = System.nanoTime();
        Measurement measurement = last;
        if (measurement == null || now - measurement.atNanos() >= MEASURE_EVERY_NANOS) {
            measurement = new Measurement(usableBytes(directory), now);
            last = measurement;
        }
        return measurement.freeBytes();
    }

    public long reserveBytes() {
        return reserveBytes;
    }

    public boolean isBelowReserve() {
        return freeBytes() < reserveBytes;
    }

    /** @throws ServerException DISK_FULL (RESOURCE_EXHAUSTED) when free space is below the reserve */
    public void checkWritable() {
        long free = freeBytes();
        if (free < reserveBytes) {
            throw ServerException.of(ErrorCode.DISK_FULL,
                    "disk space below reserve: %d bytes free in %s, reserve is %d bytes", free, directory, reserveBytes);
        }
    }

    /**
     * Usable bytes of the file system holding {@code directory}: one statvfs call. Not
     * Files.getFileStore, which parses /proc/mounts on every call: it showed in every client
     * handler thread of the benchmark profile.
     */
    static long usableBytes(Path directory) {
        long usable = directory.toFile().getUsableSpace();
        if (usable == 0 && !Files.isDirectory(directory)) {
            // File reports every failure as 0 bytes; tell a missing directory apart from a full disk.
            throw StorageErrors.of(new IOException("not a directory"), "measuring free space", directory);
        }
        return usable;
    }
}
