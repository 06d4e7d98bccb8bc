package io.raftkv.client.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Just enough JSON for kvctl's {@code -w json} and the bench's result files: writes trees of
 * {@link Map} (keys in insertion order), {@link List}, {@link String}, {@link Number},
 * {@link Boolean} and null, and parses text back into such a tree. Stateless.
 */
public final class Json {
  /** Deeper input is refused rather than risking the stack. */
  private static final int DEPTH_MAX = 64;

  private Json() {}

  /** One line, as etcdctl prints JSON. */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, -1, 0);
    return out.toString();
  }

  /** Indented by two spaces, for files people read. */
  public static String writePretty(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 2, 0);
    return out.toString();
  }

  private static void write(StringBuilder out, Object value, int indent, int depth) {
    if (depth > DEPTH_MAX) {
      throw new IllegalArgumentException("JSON nested deeper than " + DEPTH_MAX);
    }
    switch (value) {
      case null -> out.append("null");
      case String text -> quote(out, text);
      case Boolean bool -> out.append(bool);
      case Double number -> out.append(number.isNaN() || number.isInfinite() ? "null" : trim(number));
      case Float number -> write(out, number.doubleValue(), indent, depth);
      case Number number -> out.append(number.longValue());
      case Map<?, ?> map -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          out.append(first ? "" : ",");
          newline(out, indent, depth + 1);
          quote(out, String.valueOf(entry.getKey()));
          out.append(indent < 0 ? ":" : ": ");
          write(out, entry.getValue(), indent, depth + 1);
          first = false;
        }
        if (!first) {
          newline(out, indent, depth);
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          out.append(i == 0 ? "" : ",");
          newline(out, indent, depth + 1);
          write(out, list.get(i), indent, depth + 1);
        }
        if (!list.isEmpty()) {
          newline(out, indent, depth);
        }
        out.append(']');
      }
      default -> throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
    }
  }

  /** 2.0 prints as 2.0 in Java; 2 is what people expect in JSON. */
  private static String trim(double number) {
    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
      return Long.toString((long) number);
    }
    return Double.toString(number);
  }

  private static void newline(StringBuilder out, int indent, int depth) {
    if (indent >= 0) {
      out.append('\n').append(" ".repeat(indent * depth));
    }
  }

  private static void quote(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Parses JSON text. Integers without fraction or exponent become {@link Long}, other numbers
   * {@link Double}.
   *
   * @throws IllegalArgumentException with the offset of the first problem
   */
  public static Object parse(String text) {
    Parser parser = new Parser(text);
    Object value = parser.value(0);
    parser.skipSpace();
    if (parser.position != text.length()) {
      throw parser.error("unexpected text after the value");
    }
    return value;
  }

  /** Not thread-safe; one per parse. */
  private static final class Parser {
    private final String text;
    private int position;

    Parser(String text) {
      this.text = text;
    }

    Object value(int depth) {
      if (depth > DEPTH_MAX) {
        throw error("nested deeper than " + DEPTH_MAX);
      }
      skipSpace();
      if (position >= text.length()) {
        throw error("unexpected end");
      }
      char c = text.charAt(position);
      return switch (c) {
        case '{' -> object(depth);
        case '[' -> array(depth);
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    private Map<String, Object> object(int depth) {
      Map<String, Object> map = new LinkedHashMap<>();
      position++;
      skipSpace();
      if (peek('}')) {
        position++;
        return map;
      }
      while (true) {
        skipSpace();
        if (!peek('"')) {
          throw error("expected a string key");
        }
        String key = string();
        skipSpace();
        expect(':');
        map.put(key, value(depth + 1));
        skipSpace();
        if (peek(',')) {
          position++;
        } else {
          expect('}');
          return map;
        }
      }
    }

    private List<Object> array(int depth) {
      List<Object> list = new ArrayList<>();
      position++;
      skipSpace();
      if (peek(']')) {
        position++;
        return list;
      }
      while (true) {
        list.add(value(depth + 1));
        skipSpace();
        if (peek(',')) {
          position++;
        } else {
          expect(']');
          return list;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (position < text.length()) {
        char c = text.charAt(position++);
        if (c == '"') {
          return out.toString();
        }
        if (c != '\\') {
          out.append(c);
          continue;
        }
        if (position >= text.length()) {
          break;
        }
        char escaped = text.charAt(position++);
        switch (escaped) {
          case '"', '\\', '/' -> out.append(escaped);
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          case 'u' -> {
            if (position + 4 > text.length()) {
              throw error("short \\u escape");
            }
            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
            position += 4;
          }
          default -> throw error("bad escape \\" + escaped);
        }
      }
      throw error("unterminated string");
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, position)) {
        throw error("expected " + word);
      }
      position += word.length();
      return value;
    }

    private Object number() {
      int start = position;
      while (position < text.length() && "+-0123456789.eE".indexOf(text.charAt(position)) >= 0) {
        position++;
      }
      String number = text.substring(start, position);
      if (number.isEmpty()) {
        throw error("unexpected character '" + text.charAt(start) + "'");
      }
      try {
        if (number.contains(".") || number.contains("e") || number.contains("E")) {
          return Double.parseDouble(number);
        }
        return Long.parseLong(number);
      } catch (NumberFormatException bad) {
        throw error("bad number '" + number + "'");
      }
    }

    void skipSpace() {
      while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
        position++;
      }
    }

    private boolean peek(char c) {
      return position < text.length() && text.charAt(position) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw error("expected '" + c + "'");
      }
      position++;
    }

    IllegalArgumentException error(String problem) {
      return new IllegalArgumentException("invalid JSON at offset " + position + ": " + problem);
    }
  }
}
