package io.raftkv.client;

import java.util.Arrays;
import java.util.Objects;

/**
 * One operation of a transaction branch: {@code Op.put("k", "v")}, {@code Op.get("k")},
 * {@code Op.delete("k")}. Immutable.
 */
public sealed interface Op permits Op.Put, Op.Get, Op.Delete {

  static Put put(byte[] key, byte[] value) {
    return new Put(key, value, PutOption.DEFAULT);
  }

  static Put put(String key, String value) {
    return put(Bytes.utf8(key), Bytes.utf8(value));
  }

  static Put put(byte[] key, byte[] value, PutOption option) {
    return new Put(key, value, option);
  }

  static Get get(byte[] key) {
    return new Get(KeyRange.key(key), GetOption.DEFAULT);
  }

  static Get get(String key) {
    return get(Bytes.utf8(key));
  }

  static Get get(KeyRange range, GetOption option) {
    return new Get(range, option);
  }

  static Delete delete(byte[] key) {
    return new Delete(KeyRange.key(key), DeleteOption.DEFAULT);
  }

  static Delete delete(String key) {
    return delete(Bytes.utf8(key));
  }

  static Delete delete(KeyRange range, DeleteOption option) {
    return new Delete(range, option);
  }

  /** Writes {@code value} under {@code key}. */
  record Put(byte[] key, byte[] value, PutOption option) implements Op {
    public Put {
      key = Bytes.copy(Objects.requireNonNull(key, "key"));
      value = Bytes.copy(Objects.requireNonNull(value, "value"));
      Objects.requireNonNull(option, "option");
    }

    @Override
    public byte[] key() {
      return Bytes.copy(key);
    }

    @Override
    public byte[] value() {
      return Bytes.copy(value);
    }

    byte[] keyUnsafe() {
      return key;
    }

    byte[] valueUnsafe() {
      return value;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Put that
          && Arrays.equals(key, that.key)
          && Arrays.equals(value, that.value)
          && option.equals(that.option);
    }

    @Override
    public int hashCode() {
      return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), option);
    }

    @Override
    public String toString() {
      return "Put[" + Bytes.show(key) + "=" + Bytes.show(value) + ", " + option + "]";
    }
  }

  /** Reads a key or range. Inside a transaction reads are linearizable whatever the option says. */
  record Get(KeyRange range, GetOption option) implements Op {
    public Get {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(option, "option");
    }
  }

  /** Deletes a key or range. */
  record Delete(KeyRange range, DeleteOption option) implements Op {
    public Delete {
      Objects.requireNonNull(range, "range");
      Objects.requireNonNull(option, "option");
    }
  }
}
