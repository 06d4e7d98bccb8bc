package io.raftkv.client;

import java.util.List;

/**
 * A whole transaction: if every compare holds, run {@code success} in order, else
 * {@code failure}; atomically, at one revision. Built by {@link Txn}.
 */
public record TxnSpec(List<Cmp> compares, List<Op> success, List<Op> failure) {
  public TxnSpec {
    compares = List.copyOf(compares);
    success = List.copyOf(success);
    failure = List.copyOf(failure);
  }
}
