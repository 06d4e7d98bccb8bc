package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class KeyRangeTest {
  @Test
  void prefixEndIncrementsTheLastByte() {
    assertArrayEquals(new byte[] {'a', 'c'}, KeyRange.prefix("ab").rangeEnd());
  }

  @Test
  void prefixEndDropsTrailingFfBytes() {
    assertArrayEquals(new byte[] {'a' + 1}, KeyRange.prefix(new byte[] {'a', (byte) 0xff, (byte) 0xff}).rangeEnd());
  }

  @Test
  void aPrefixOfOnlyFfBytesRunsToTheEnd() {
    assertArrayEquals(new byte[] {0}, KeyRange.prefix(new byte[] {(byte) 0xff}).rangeEnd());
  }

  @Test
  void theEmptyPrefixMeansAllKeys() {
    assertEquals(KeyRange.all(), KeyRange.prefix(""));
    assertArrayEquals(new byte[] {0}, KeyRange.all().key());
  }

  @Test
  void fromKeyRunsToTheEnd() {
    assertArrayEquals(new byte[] {0}, KeyRange.fromKey("m").rangeEnd());
  }

  @Test
  void arraysAreCopiedSoTheRangeCannotChange() {
    byte[] key = {'k'};
    KeyRange range = KeyRange.key(key);
    key[0] = 'x';
    range.key()[0] = 'y';
    assertArrayEquals(new byte[] {'k'}, range.key());
  }
}
