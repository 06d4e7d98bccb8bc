package io.raftkv.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * The keys a read or delete covers: {@code [key, rangeEnd)}, with etcd's encoding. An empty
 * {@code rangeEnd} means the single key {@code key}; a {@code rangeEnd} of one zero byte means
 * every key from {@code key} on; {@code key} and {@code rangeEnd} both a zero byte mean all keys.
 *
 * <p>Immutable: the arrays are copied in and out.
 */
public record KeyRange(byte[] key, byte[] rangeEnd) {

  public KeyRange {
    key = Bytes.copy(Objects.requireNonNull(key, "key"));
    rangeEnd = Bytes.copy(Objects.requireNonNull(rangeEnd, "rangeEnd"));
  }

  /** Just {@code key}. */
  public static KeyRange key(byte[] key) {
    return new KeyRange(key, Bytes.EMPTY);
  }

  public static KeyRange key(String key) {
    return key(Bytes.utf8(key));
  }

  /** Keys in {@code [from, to)}. */
  public static KeyRange between(byte[] from, byte[] to) {
    if (to.length == 0) {
      throw new IllegalArgumentException("range end is empty; use KeyRange.key for one key or fromKey for no end");
    }
    return new KeyRange(from, to);
  }

  public static KeyRange between(String from, String to) {
    return between(Bytes.utf8(from), Bytes.utf8(to));
  }

  /** Keys starting with {@code prefix}; the empty prefix means all keys. */
  public static KeyRange prefix(byte[] prefix) {
    if (prefix.length == 0) {
      return all();
    }
    return new KeyRange(prefix, Bytes.prefixEnd(prefix));
  }

  public static KeyRange prefix(String prefix) {
    return prefix(Bytes.utf8(prefix));
  }

  /** Every key greater than or equal to {@code key}. */
  public static KeyRange fromKey(byte[] key) {
    return new KeyRange(key.length == 0 ? Bytes.ZERO : key, Bytes.ZERO);
  }

  public static KeyRange fromKey(String key) {
    return fromKey(Bytes.utf8(key));
  }

  /** Every key. */
  public static KeyRange all() {
    return new KeyRange(Bytes.ZERO, Bytes.ZERO);
  }

  /** Whether this names one key rather than a range. */
  public boolean isSingleKey() {
    return rangeEnd.length == 0;
  }

  @Override
  public byte[] key() {
    return Bytes.copy(key);
  }

  @Override
  public byte[] rangeEnd() {
    return Bytes.copy(rangeEnd);
  }

  /** The key without a copy, for the codec. */
  byte[] keyUnsafe() {
    return key;
  }

  byte[] rangeEndUnsafe() {
    return rangeEnd;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyRange that && Arrays.equals(key, that.key) && Arrays.equals(rangeEnd, that.rangeEnd);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(rangeEnd);
  }

  @Override
  public String toString() {
    return isSingleKey() ? "KeyRange[" + Bytes.show(key) + "]"
        : "KeyRange[" + Bytes.show(key) + ", " + Bytes.show(rangeEnd) + ")";
  }
}
