package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SessionIdsTest {
  private static final int SLOTS = 1 << 16;

  @ParameterizedTest(name = "base {0}")
  @ValueSource(longs = {1, 2, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x5deece66dL})
  void slotIdsAreDistinctNonZeroAndSlotZeroIsTheBase(long base) {
    assertDistinctAndNonZero(base);
    assertEquals(base, SessionIds.slotClientId(base, 0));
  }

  @Test
  void aBaseThatWouldGiveOneSlotIdZeroGivesThatSlotAnotherId() {
    // slot 7 would get base ^ mix(7) == 0.
    long base = SessionIds.mix(7);

    assertNotEquals(0, SessionIds.slotClientId(base, 7));
    assertDistinctAndNonZero(base);
  }

  @Test
  void nearbyBasesDoNotShareSlotIds() {
    Set<Long> first = ids(1);
    Set<Long> second = ids(2);

    first.retainAll(second);
    assertEquals(Set.of(), first);
  }

  @Test
  void randomBasesAreNonZeroAndDiffer() {
    long a = SessionIds.randomBaseId();
    long b = SessionIds.randomBaseId();

    assertNotEquals(0, a);
    assertNotEquals(a, b);
  }

  @Test
  void badArgumentsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> SessionIds.slotClientId(0, 1));
    assertThrows(IllegalArgumentException.class, () -> SessionIds.slotClientId(1, -1));
  }

  private static void assertDistinctAndNonZero(long base) {
    Set<Long> ids = ids(base);
    assertEquals(SLOTS, ids.size());
    assertFalse(ids.contains(0L));
  }

  private static Set<Long> ids(long base) {
    Set<Long> ids = new HashSet<>();
    for (int slot = 0; slot < SLOTS; slot++) {
      ids.add(SessionIds.slotClientId(base, slot));
    }
    return ids;
  }
}
