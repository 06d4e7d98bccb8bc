package io.raftkv.server.storage;

import java.io.IOException;
import java.nio.file.Path;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * Turns RocksDB and file-system failures into our two unchecked storage errors. Disk-full gets its
 * own type so the node can say so (and an operator knows that freeing space is the fix); every
 * other failure is a {@link StorageFailedException}. Nothing is retried here: a failed write may
 * have left RocksDB in read-only mode, and only a restart clears that.
 */
final class StorageErrors {
    private StorageErrors() {}

    static StorageFailedException of(RocksDBException e, String action, Path where) {
        String message = action + " failed in " + where + ": " + describe(e);
        if (isNoSpace(e)) {
            return new StorageFullException(message, e);
        }
        return new StorageFailedException(message, e);
    }

    static StorageFailedException of(IOException e, String action, Path where) {
        String message = action + " failed in " + where + ": " + e;
        if (String.valueOf(e.getMessage()).contains("No space left")) {
            return new StorageFullException(message, e);
        }
        return new StorageFailedException(message, e);
    }

    static boolean isNoSpace(RocksDBException e) {
        Status status = e.getStatus();
        if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
            return true;
        }
        // RocksDB reports ENOSPC from a background flush or compaction as an IOError whose sub code
        // is not always set; the OS message is the reliable part.
        return String.valueOf(e.getMessage()).contains("No space left");
    }

    private static String describe(RocksDBException e) {
        Status status = e.getStatus();
        if (status == null) {
            return e.getMessage();
        }
        return status.getCode() + (status.getSubCode() == Status.SubCode.None ? "" : "/" + status.getSubCode())
                + ": " + e.getMessage();
    }
}
