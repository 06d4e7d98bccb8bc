package io.raftkv.server.storage;

/**
 * The node must not start on this data directory: it belongs to another cluster or node, its
 * identity file is corrupt, it holds data but no identity, or another process holds its lock. The
 * message names the directory or file and says what is wrong.
 */
public final class DataDirectoryException extends RuntimeException {
    public DataDirectoryException(String message) {
        super(message);
    }

    public DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
