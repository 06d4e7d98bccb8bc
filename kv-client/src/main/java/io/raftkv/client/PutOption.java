package io.raftkv.client;

/** @param prevKv return the key-value the put replaced, if any */
public record PutOption(boolean prevKv) {
  public static final PutOption DEFAULT = new PutOption(false);
  public static final PutOption PREV_KV = new PutOption(true);
}
