package io.raftkv.raft.log;

/** The small closed set of storage outcomes the core knows how to handle. Anything else is fatal. */
public abstract sealed class StorageException extends RuntimeException {
    protected StorageException(String message) {
        super(message, null, false, false);
    }

    /** The index asked for lies before the first index: the log was compacted by a snapshot. */
    public static final class Compacted extends StorageException {
        public Compacted(long index, long firstIndex) {
            super("index " + index + " is compacted; first index is " + firstIndex);
        }
    }

    /** The index asked for lies beyond the last index. */
    public static final class Unavailable extends StorageException {
        public Unavailable(long index, long lastIndex) {
            super("index " + index + " is unavailable; last index is " + lastIndex);
        }
    }

    /** A snapshot is being made; ask again later. */
    public static final class SnapshotTemporarilyUnavailable extends StorageException {
        public SnapshotTemporarilyUnavailable() {
            super("snapshot temporarily unavailable");
        }
    }
}
