package io.raftkv.client;

/** Whether a request may be re-sent when its first attempt's outcome is unknown. */
enum Idempotence {
  /**
   * Reads, and writes carrying a request id (the server applies those once): retried on any
   * retryable failure, including a lost connection or LEADER_CHANGED mid-request. For a write
   * this holds because it keeps its session slot, and so its request id, until it completes
   * ({@link SessionSlots}).
   */
  SAFE_TO_RETRY,
  /**
   * Membership changes and leader transfer have no request id: they are retried only on answers
   * that prove they were not applied (NOT_LEADER, NO_LEADER, QUEUE_FULL, a refused connection).
   */
  RETRY_IF_NOT_APPLIED
}
