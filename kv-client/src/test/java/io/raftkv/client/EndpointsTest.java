package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointsTest {
  @Test
  void parsesACommaSeparatedListTrimmingAndDroppingDuplicates() {
    assertEquals(List.of("a:1", "b:2"), Endpoints.parseList(" a:1, b:2,a:1,"));
  }

  @Test
  void acceptsBracketedIpv6() {
    assertEquals("[::1]:2379", Endpoints.check("[::1]:2379"));
  }

  @Test
  void refusesSchemesMissingPortsAndBadPorts() {
    assertEquals("endpoint must be host:port without a scheme, got 'http://a:1'",
        assertThrows(IllegalArgumentException.class, () -> Endpoints.check("http://a:1")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Endpoints.check("a"));
    assertThrows(IllegalArgumentException.class, () -> Endpoints.check("a:0"));
    assertThrows(IllegalArgumentException.class, () -> Endpoints.check("a:x"));
    assertThrows(IllegalArgumentException.class, () -> Endpoints.parseList(" , "));
  }
}
