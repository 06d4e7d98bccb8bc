package io.raftkv.client;

import java.util.List;
import java.util.Optional;

/**
 * @param kvs the keys read, in key order; empty for count-only reads
 * @param more whether the range holds more keys than returned (the limit was hit)
 * @param count keys in the range, regardless of the limit
 * @param revision store revision the read was served at
 */
public record GetResult(List<KeyValue> kvs, boolean more, long count, long revision) implements OpResult {
  public GetResult {
    kvs = List.copyOf(kvs);
    if (count < kvs.size()) {
      throw new IllegalArgumentException("count " + count + " is below the " + kvs.size() + " keys returned");
    }
  }

  /** The first key-value, for single-key reads. */
  public Optional<KeyValue> first() {
    return kvs.isEmpty() ? Optional.empty() : Optional.of(kvs.get(0));
  }
}
