package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parsesGoStyleDurations() {
    assertEquals(Duration.ofSeconds(5), Durations.parse("5s"));
    assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
    assertEquals(Duration.ofSeconds(90), Durations.parse("1m30s"));
    assertEquals(Duration.ofMillis(1500), Durations.parse("1.5s"));
    assertEquals(Duration.ofHours(2), Durations.parse("2h"));
    assertEquals(Duration.ofNanos(3000), Durations.parse("3us"));
  }

  @Test
  void refusesANumberWithoutAUnit() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Durations.parse("5"));
    assertEquals("invalid duration '5' (expected e.g. 5s, 500ms, 1m30s)", e.getMessage());
  }

  @Test
  void refusesTrailingGarbage() {
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("5sx"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("s5"));
  }

  @Test
  void formatsShortly() {
    assertEquals("5s", Durations.format(Duration.ofSeconds(5)));
    assertEquals("250ms", Durations.format(Duration.ofMillis(250)));
    assertEquals("1.5s", Durations.format(Duration.ofMillis(1500)));
    assertEquals("1m30s", Durations.format(Duration.ofSeconds(90)));
  }
}
