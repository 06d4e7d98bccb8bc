package io.raftkv.client;

import io.grpc.Status;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/** Waits for a future on behalf of the blocking facades. Stateless. */
final class Futures {
  private Futures() {}

  /**
   * Waits for the future and returns its value, rethrowing its {@link RaftKvException} as is.
   * Not interruptible, but bounded: every future the client returns completes by its request's
   * deadline.
   */
  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new ServerException(Status.Code.UNKNOWN, ErrorCode.UNKNOWN, String.valueOf(cause), null);
    } catch (CancellationException e) {
      throw new UnavailableException(Status.Code.CANCELLED, ErrorCode.UNKNOWN, "request was cancelled", null);
    }
  }
}
