package io.raftkv.client;

import io.raftkv.proto.api.RequestId;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Numbers a client's writes for exactly-once execution (Raft thesis 6.3): a random non-zero
 * 64-bit client id fixed at construction and a sequence 1, 2, 3, ... A retry re-sends the
 * request with the same id and sequence, and the server answers with the first result instead
 * of applying the write again.
 *
 * <p>The server forgets a session after it has been idle for a while (10 minutes by default).
 * The client does not need to do anything about it: its next write simply opens a new session
 * on the server under the same client id.
 *
 * <p>Sequences are handed out in call order, but concurrent writes may reach the server out of
 * order, and a write that never reaches it leaves a gap. Thread-safe.
 */
public final class RequestIdGenerator {
  private final long clientId;
  private final AtomicLong lastSequence = new AtomicLong();

  /** A generator with a fresh random client id. */
  public RequestIdGenerator() {
    this(randomClientId());
  }

  /** A generator for a given client id (tests, or a process resuming a known id). */
  public RequestIdGenerator(long clientId) {
    if (clientId == 0) {
      throw new IllegalArgumentException("client id must be non-zero");
    }
    this.clientId = clientId;
  }

  public long clientId() {
    return clientId;
  }

  /** The next request id; sequences start at 1. */
  public RequestId next() {
    return RequestId.newBuilder().setClientId(clientId).setSequence(nextSequence()).build();
  }

  /** The next sequence number alone, for callers that build the RequestId themselves. */
  public long nextSequence() {
    return lastSequence.incrementAndGet();
  }

  /**
   * A client id must not collide with another client's, so it comes from a strong source rather
   * than a seeded one; 64 random bits make a collision among live sessions negligible.
   */
  private static long randomClientId() {
    SecureRandom random = new SecureRandom();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }
}
