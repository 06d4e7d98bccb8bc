package io.raftkv.check;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small strict JSON parser (RFC 8259) for one history line, so the checker needs nothing but the
 * JDK. Objects become {@link LinkedHashMap} (a field set to null is present with a null value, so
 * "absent" and "null" stay distinguishable), arrays {@link List}, strings {@link String}, integers
 * that fit in a long {@link Long}, every other number {@link BigDecimal}, true/false
 * {@link Boolean}, null null. Duplicate field names are rejected rather than silently resolved.
 * Nesting is bounded by {@link #DEPTH_MAX}. Not thread-safe; one instance per parse.
 */
final class JsonParser {
    /** History lines nest two levels deep; anything far deeper is not a history line. */
    static final int DEPTH_MAX = 16;

    private final String text;
    private int position;

    private JsonParser(String text) {
        this.text = text;
    }

    static Object parse(String text) throws JsonSyntaxException {
        JsonParser parser = new JsonParser(text);
        parser.skipWhitespace();
        Object value = parser.value(0);
        parser.skipWhitespace();
        if (parser.position != text.length()) {
            throw parser.error("unexpected " + parser.describeNext() + " after the JSON value");
        }
        return value;
    }

    private Object value(int depth) throws JsonSyntaxException {
        if (position >= text.length()) {
            throw error("unexpected end of line, expected a value");
        }
        char c = text.charAt(position);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describeNext() + ", expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) throws JsonSyntaxException {
        checkDepth(depth);
        expect('{');
        Map<String, Object> fields = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            position++;
            return fields;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describeNext() + ", expected a field name in double quotes");
            }
            int nameStart = position;
            String name = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = value(depth);
            if (fields.containsKey(name)) {
                throw new JsonSyntaxException("duplicate field " + JsonText.quote(name), nameStart + 1);
            }
            fields.put(name, value);
            skipWhitespace();
            if (peek() == ',') {
                position++;
            } else if (peek() == '}') {
                position++;
                return fields;
            } else {
                throw error("unexpected " + describeNext() + ", expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws JsonSyntaxException {
        checkDepth(depth);
        expect('[');
        List<Object> elements = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            position++;
            return elements;
        }
        while (true) {
            skipWhitespace();
            elements.add(value(depth));
            skipWhitespace();
            if (peek() == ',') {
                position++;
            } else if (peek() == ']') {
                position++;
                return elements;
            } else {
                throw error("unexpected " + describeNext() + ", expected ',' or ']'");
            }
        }
    }

    private String string() throws JsonSyntaxException {
        expect('"');
        StringBuilder out = new StringBuilder();
        while (true) {
            if (position >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(position++);
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                position--;
                throw error("control character U+" + String.format("%04X", (int) c) + " must be escaped in a string");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            if (position >= text.length()) {
                throw error("unterminated escape sequence");
            }
            char escaped = text.charAt(position++);
            switch (escaped) {
                case '"' -> out.append('"');
                case '\\' -> out.append('\\');
                case '/' -> out.append('/');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> out.append(unicodeEscape());
                default -> {
                    position--;
                    throw error("invalid escape '\\" + escaped + "'");
                }
            }
        }
    }

    private char unicodeEscape() throws JsonSyntaxException {
        if (position + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int code = 0;
        for (int i = 0; i < 4; i++) {
            int digit = Character.digit(text.charAt(position), 16);
            if (digit < 0) {
                throw error("invalid hex digit in \\u escape");
            }
            code = code * 16 + digit;
            position++;
        }
        return (char) code;
    }

    private Object number() throws JsonSyntaxException {
        int start = position;
        boolean integral = true;
        if (peek() == '-') {
            position++;
        }
        if (peek() == '0') {
            position++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("expected a digit");
        }
        if (peek() == '.') {
            integral = false;
            position++;
            if (!isDigit(peek())) {
                throw error("expected a digit after the decimal point");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            position++;
            if (peek() == '+' || peek() == '-') {
                position++;
            }
            if (!isDigit(peek())) {
                throw error("expected a digit in the exponent");
            }
            digits();
        }
        String literal = text.substring(start, position);
        if (integral) {
            try {
                return Long.parseLong(literal);
            } catch (NumberFormatException tooLarge) {
                // Falls through: an integer beyond the long range is kept exactly as a BigDecimal.
            }
        }
        return new BigDecimal(literal);
    }

    private void digits() {
        while (isDigit(peek())) {
            position++;
        }
    }

    private Object literal(String word, Object value) throws JsonSyntaxException {
        if (!text.startsWith(word, position)) {
            throw error("unexpected " + describeNext() + ", expected a value");
        }
        position += word.length();
        return value;
    }

    private void expect(char expected) throws JsonSyntaxException {
        if (peek() != expected) {
            throw error("unexpected " + describeNext() + ", expected '" + expected + "'");
        }
        position++;
    }

    private void checkDepth(int depth) throws JsonSyntaxException {
        if (depth > DEPTH_MAX) {
            throw error("nested deeper than " + DEPTH_MAX + " levels");
        }
    }

    private void skipWhitespace() {
        while (position < text.length()) {
            char c = text.charAt(position);
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return;
            }
            position++;
        }
    }

    /** The next character, or 0 at the end (0 never matches anything the grammar expects). */
    private char peek() {
        return position < text.length() ? text.charAt(position) : 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private String describeNext() {
        return position < text.length() ? "'" + text.charAt(position) + "'" : "end of line";
    }

    private JsonSyntaxException error(String message) {
        return new JsonSyntaxException(message, position + 1);
    }
}
