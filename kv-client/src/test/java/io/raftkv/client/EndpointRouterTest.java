package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointRouterTest {
  private final EndpointRouter router = new EndpointRouter(List.of("a:1", "b:2", "c:3"), 2);

  @Test
  void startsWithTheFirstConfiguredEndpoint() {
    assertEquals("a:1", router.preferred());
  }

  @Test
  void rotationVisitsEveryEndpointInTurn() {
    assertEquals("b:2", router.rotateAwayFrom("a:1"));
    assertEquals("c:3", router.rotateAwayFrom("b:2"));
    assertEquals("a:1", router.rotateAwayFrom("c:3"));
  }

  @Test
  void concurrentFailuresOfOneEndpointRotateOnce() {
    router.rotateAwayFrom("a:1");
    assertEquals("b:2", router.rotateAwayFrom("a:1"));
  }

  @Test
  void followsAHintToAnAddressThatWasNotConfigured() {
    assertEquals("d:4", router.followLeader("a:1", "d:4"));
    assertEquals(List.of("a:1", "b:2", "c:3", "d:4"), router.ring());
    assertEquals("d:4", router.preferred());
  }

  @Test
  void aMalformedOrSelfReferringHintCountsAsAFailure() {
    assertEquals("b:2", router.followLeader("a:1", "a:1"));
    assertEquals("c:3", router.followLeader("b:2", "not an address"));
    assertEquals("a:1", router.followLeader("c:3", ""));
  }

  @Test
  void learnedAddressesAreCappedAndTheOldestIsForgotten() {
    router.followLeader("a:1", "d:4");
    router.followLeader("d:4", "e:5");
    router.followLeader("e:5", "f:6");
    assertEquals(List.of("a:1", "b:2", "c:3", "e:5", "f:6"), router.ring());
  }

  @Test
  void withNoRoomForLearnedAddressesAHintIsIgnored() {
    EndpointRouter strict = new EndpointRouter(List.of("a:1", "b:2"), 0);
    assertEquals("b:2", strict.followLeader("a:1", "z:9"));
    assertEquals(List.of("a:1", "b:2"), strict.ring());
  }
}
