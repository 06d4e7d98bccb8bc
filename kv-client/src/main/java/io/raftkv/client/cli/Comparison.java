package io.raftkv.client.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Ratios of a bench result against an earlier one (new / old). Stateless. */
final class Comparison {
  private Comparison() {}

  static Map<String, Object> of(Map<String, Object> now, Map<String, Object> before, String file) {
    Map<String, Object> ratios = new LinkedHashMap<>();
    ratios.put("file", file);
    for (String field : new String[] {"ops_per_sec", "p50_ms", "p99_ms", "p999_ms"}) {
      double current = number(now.get(field));
      double previous = number(before.get(field));
      ratios.put(field + "_old", previous);
      ratios.put(field + "_ratio", previous > 0 ? current / previous : null);
    }
    return ratios;
  }

  static String describe(Map<String, Object> ratios) {
    return String.format(Locale.ROOT, "compared with %s: ops/s x%s (was %.1f), p99 x%s (was %.3f ms)",
        ratios.get("file"), ratio(ratios.get("ops_per_sec_ratio")), number(ratios.get("ops_per_sec_old")),
        ratio(ratios.get("p99_ms_ratio")), number(ratios.get("p99_ms_old")));
  }

  private static String ratio(Object value) {
    return value == null ? "?" : String.format(Locale.ROOT, "%.2f", number(value));
  }

  private static double number(Object value) {
    return value instanceof Number number ? number.doubleValue() : Double.NaN;
  }
}
