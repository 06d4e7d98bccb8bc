package io.raftkv.client;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** Helpers for the byte-array fields of the value records, which copy in and out to stay immutable. */
final class Bytes {
  static final byte[] EMPTY = new byte[0];

  /** The range end etcd uses for "to the end of the key space". */
  static final byte[] ZERO = {0};

  private Bytes() {}

  static byte[] copy(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : bytes.clone();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** UTF-8 text if the bytes are valid UTF-8, else {@code 0x} and hex, for toString only. */
  static String show(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException binary) {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
  }

  /**
   * The smallest key greater than every key starting with {@code prefix} (etcd's
   * GetPrefixRangeEnd): drop trailing 0xff bytes, then increment the last byte. A prefix of only
   * 0xff bytes (or empty) has no such key, so the range runs to the end ({@link #ZERO}).
   */
  static byte[] prefixEnd(byte[] prefix) {
    for (int i = prefix.length - 1; i >= 0; i--) {
      if (prefix[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(prefix, i + 1);
        end[i]++;
        return end;
      }
    }
    return ZERO.clone();
  }
}
