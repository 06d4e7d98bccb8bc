package io.raftkv.client;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A key with its value and revisions, as the server returned it. Immutable: the arrays are copied
 * in and out.
 *
 * @param createRevision revision of the write that created the key (since its last deletion)
 * @param modRevision revision of the last write to the key
 * @param version writes since creation (1 after the create)
 */
public record KeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version) {

  public KeyValue {
    key = Bytes.copy(Objects.requireNonNull(key, "key"));
    value = Bytes.copy(Objects.requireNonNull(value, "value"));
  }

  @Override
  public byte[] key() {
    return Bytes.copy(key);
  }

  @Override
  public byte[] value() {
    return Bytes.copy(value);
  }

  /** The key decoded as UTF-8 (invalid bytes become U+FFFD). */
  public String keyUtf8() {
    return new String(key, StandardCharsets.UTF_8);
  }

  /** The value decoded as UTF-8 (invalid bytes become U+FFFD). */
  public String valueUtf8() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KeyValue that
        && Arrays.equals(key, that.key)
        && Arrays.equals(value, that.value)
        && createRevision == that.createRevision
        && modRevision == that.modRevision
        && version == that.version;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), createRevision, modRevision, version);
  }

  @Override
  public String toString() {
    return "KeyValue[key=" + Bytes.show(key) + ", value=" + Bytes.show(value) + ", createRevision="
        + createRevision + ", modRevision=" + modRevision + ", version=" + version + "]";
  }
}
