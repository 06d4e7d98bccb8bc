package io.raftkv.client;

/** @param prevKv return the deleted key-values */
public record DeleteOption(boolean prevKv) {
  public static final DeleteOption DEFAULT = new DeleteOption(false);
  public static final DeleteOption PREV_KV = new DeleteOption(true);
}
