package io.raftkv.server.storage;

/**
 * A local disk write or read failed, or returned something that cannot be trusted. Never caught and
 * ignored: the caller fails the request it was serving and, because the on-disk state may now be
 * behind the in-memory state, stops the node (a restart recovers from what is durable).
 */
public class StorageFailedException extends RuntimeException {
    public StorageFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageFailedException(String message) {
        super(message);
    }
}
