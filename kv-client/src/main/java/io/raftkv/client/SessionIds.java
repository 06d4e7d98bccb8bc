package io.raftkv.client;

import java.security.SecureRandom;

/**
 * Client ids for exactly-once sessions. A client (or a bench run) draws one random base id, and
 * each of its session slots gets an id derived from the base and the slot number: distinct across
 * slots, never 0, and slot 0's id is the base itself. See {@link SessionSlots} for why a client
 * needs more than one id. Stateless.
 */
public final class SessionIds {
  /** Slot numbers are ints; this is above every one of them (see {@link #slotClientId}). */
  private static final long SUBSTITUTE_OFFSET = 1L << 31;

  private SessionIds() {}

  /**
   * A random non-zero base id. Ids of different processes must not collide, so it comes from a
   * strong source rather than a seeded one; 64 random bits make a collision among live sessions
   * negligible.
   */
  public static long randomBaseId() {
    SecureRandom random = new SecureRandom();
    long id;
    do {
      id = random.nextLong();
    } while (id == 0);
    return id;
  }

  /**
   * The client id of session slot {@code slot} of the client with base id {@code baseId}:
   * {@code baseId ^ mix(slot)}, where {@code mix} is a bijection of the 64-bit integers with
   * {@code mix(0) == 0}. Hence slot 0 uses the base id itself, and different slots get different
   * ids. The id is 0 for at most one slot, the one with {@code mix(slot) == baseId}; that slot
   * uses {@code baseId ^ mix(2^31 + slot)} instead, which no other slot (an int) produces and which
   * is not 0 either, since {@code mix} is injective.
   *
   * <p>Why not {@code baseId + slot}: two clients given nearby fixed ids (1 and 2, through
   * {@link RaftKvClient.Builder#clientId(long)}) would then share all but one of their slots'
   * ids. With the mix, ids of two clients meet only if {@code baseA ^ baseB == mix(i) ^ mix(j)}
   * for slots i and j, which no plausible choice of bases produces.
   *
   * @throws IllegalArgumentException if {@code baseId} is 0 or {@code slot} is negative
   */
  public static long slotClientId(long baseId, int slot) {
    if (baseId == 0) {
      throw new IllegalArgumentException("base client id must be non-zero");
    }
    if (slot < 0) {
      throw new IllegalArgumentException("slot must be non-negative, got " + slot);
    }
    long id = baseId ^ mix(slot);
    return id != 0 ? id : baseId ^ mix(SUBSTITUTE_OFFSET + slot);
  }

  /**
   * The SplitMix64 finalizer (Stafford's Mix13). Each step, an xor with a right shift of itself or
   * a multiplication by an odd constant, is invertible on 64-bit integers, so the whole is a
   * bijection; and it maps 0 to 0.
   */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
