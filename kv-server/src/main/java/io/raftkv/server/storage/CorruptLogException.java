package io.raftkv.server.storage;

/**
 * A record of the Raft log failed its CRC32C or structural check. The log is the node's promise to
 * the cluster (votes, acknowledged entries); once part of it is wrong nothing in it can be trusted,
 * so the node refuses to start (or stops) instead of serving from it.
 */
public final class CorruptLogException extends StorageFailedException {
    public CorruptLogException(String message) {
        super(message);
    }
}
