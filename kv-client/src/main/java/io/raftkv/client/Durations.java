package io.raftkv.client;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as etcdctl and Go write them: {@code 5s}, {@code 500ms}, {@code 1m30s},
 * {@code 1.5s}, {@code 2h}; units ns, us (or µs), ms, s, m, h. Stateless.
 */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");

  /** Longer than any sensible timeout, and far from overflowing nanoseconds in a long. */
  private static final Duration MAX = Duration.ofDays(365);

  private Durations() {}

  /**
   * Parses a duration.
   *
   * @throws IllegalArgumentException saying what is wrong, e.g. for {@code 5} (no unit)
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("duration is empty (expected e.g. 5s, 500ms, 1m30s)");
    }
    String trimmed = text.trim();
    Matcher matcher = PART.matcher(trimmed);
    long nanos = 0;
    int end = 0;
    while (matcher.find()) {
      if (matcher.start() != end) {
        break;
      }
      nanos = Math.addExact(nanos, toNanos(Double.parseDouble(matcher.group(1)), matcher.group(2), trimmed));
      end = matcher.end();
    }
    if (end == 0 || end != trimmed.length()) {
      throw new IllegalArgumentException("invalid duration '" + text + "' (expected e.g. 5s, 500ms, 1m30s)");
    }
    Duration duration = Duration.ofNanos(nanos);
    if (duration.compareTo(MAX) > 0) {
      throw new IllegalArgumentException("duration '" + text + "' is longer than " + MAX.toDays() + " days");
    }
    return duration;
  }

  private static long toNanos(double amount, String unit, String text) {
    double factor = switch (unit) {
      case "ns" -> 1;
      case "us", "µs" -> 1e3;
      case "ms" -> 1e6;
      case "s" -> 1e9;
      case "m" -> 60e9;
      case "h" -> 3600e9;
      default -> throw new IllegalArgumentException("unknown unit '" + unit + "' in '" + text + "'");
    };
    double nanos = amount * factor;
    if (nanos > MAX.toNanos()) {
      throw new IllegalArgumentException("duration '" + text + "' is longer than " + MAX.toDays() + " days");
    }
    return Math.round(nanos);
  }

  /** Short form for messages: 5s, 250ms, 1m30s, 1.5s. */
  public static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    if (millis % 1000 != 0 && millis < 60_000) {
      return (millis / 1000.0) + "s";
    }
    long seconds = millis / 1000;
    if (seconds < 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    long rest = seconds % 60;
    return rest == 0 ? minutes + "m" : minutes + "m" + rest + "s";
  }
}
