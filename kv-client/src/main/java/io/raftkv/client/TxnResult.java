package io.raftkv.client;

import java.util.List;

/**
 * @param succeeded whether every compare held, so the {@code Then} branch ran
 * @param responses one result per operation of the branch that ran, in order
 * @param revision store revision after the transaction
 */
public record TxnResult(boolean succeeded, List<OpResult> responses, long revision) {
  public TxnResult {
    responses = List.copyOf(responses);
  }
}
