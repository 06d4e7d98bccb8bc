package io.raftkv.server.storage;

/**
 * The disk ran out of space during a write (RocksDB NoSpace, or ENOSPC from the file system). The
 * write did not happen; the node must stop accepting writes. {@link DiskReserve} exists so that this
 * is rare: the API refuses writes while free space is below a reserve, long before the disk is full.
 */
public final class StorageFullException extends StorageFailedException {
    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
