package io.raftkv.server.storage;

/**
 * A checkpoint handed to {@link KvStateMachine#install} (or named by a snapshot descriptor) is not
 * what its metadata says: missing, unreadable, or at another applied index or term. Nothing was
 * changed; the receiver refuses the snapshot and the leader sends it again.
 */
public final class InvalidCheckpointException extends RuntimeException {
    public InvalidCheckpointException(String message) {
        super(message);
    }

    public InvalidCheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
