package io.raftkv.client;

import java.util.List;

/**
 * @param deleted number of keys deleted
 * @param prevKvs the deleted key-values, if {@link DeleteOption#prevKv()} was asked
 * @param revision store revision after the delete
 */
public record DeleteResult(long deleted, List<KeyValue> prevKvs, long revision) implements OpResult {
  public DeleteResult {
    prevKvs = List.copyOf(prevKvs);
    if (deleted < 0) {
      throw new IllegalArgumentException("deleted must be >= 0, got " + deleted);
    }
  }
}
