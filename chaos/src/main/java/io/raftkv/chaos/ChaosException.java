package io.raftkv.chaos;

/** The harness could not do what a run needs (a command failed, a node did not start). */
final class ChaosException extends RuntimeException {
    ChaosException(String message) {
        super(message);
    }

    ChaosException(String message, Throwable cause) {
        super(message, cause);
    }
}
