package io.raftkv.client;

import java.util.Objects;
import java.util.Optional;

/**
 * @param revision store revision after the put
 * @param prevKv the key-value the put replaced, if {@link PutOption#prevKv()} was asked and the
 *     key existed
 */
public record PutResult(long revision, Optional<KeyValue> prevKv) implements OpResult {
  public PutResult {
    Objects.requireNonNull(prevKv, "prevKv");
  }
}
