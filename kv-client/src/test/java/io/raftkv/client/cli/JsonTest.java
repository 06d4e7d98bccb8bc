package io.raftkv.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesOneLineWithKeysInInsertionOrder() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("b", 1);
    tree.put("a", List.of(true, "x\"y\n", 2.5, 3.0));
    tree.put("n", null);
    assertEquals("{\"b\":1,\"a\":[true,\"x\\\"y\\n\",2.5,3],\"n\":null}", Json.write(tree));
  }

  @Test
  void parsesWhatItWrites() {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("ops_per_sec", 1234.5);
    tree.put("errors", Map.of("UNAVAILABLE", 3L));
    tree.put("series", List.of(Map.of("t", 1L)));
    assertEquals(tree, Json.parse(Json.writePretty(tree)));
  }

  @Test
  void parsesEscapesAndNumbers() {
    assertEquals(List.of("a\u00e9\t", -12L, 1.5e3, false), Json.parse("[\"a\\u00e9\\t\", -12, 1.5e3, false]"));
  }

  @Test
  void refusesMalformedInputWithItsOffset() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\" 1}"));
    assertEquals("invalid JSON at offset 5: expected ':'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[1] 2"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
  }
}
