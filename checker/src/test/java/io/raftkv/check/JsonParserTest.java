package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonParserTest {

    @Test
    void objectsArraysAndScalarsParseToJavaValues() throws JsonSyntaxException {
        Object parsed = JsonParser.parse(" { \"a\" : [1, -2, \"x\", null, true, false, 1.5e3, {}] , \"b\":{\"c\":[]} } ");
        Map<?, ?> object = (Map<?, ?>) parsed;
        assertEquals(Arrays.asList(1L, -2L, "x", null, true, false, new BigDecimal("1.5e3"), Map.of()), object.get("a"));
        assertEquals(Map.of("c", List.of()), object.get("b"));
    }

    @Test
    void aFieldSetToNullIsPresentWithANullValue() throws JsonSyntaxException {
        Map<?, ?> object = (Map<?, ?>) JsonParser.parse("{\"value\":null}");
        assertTrue(object.containsKey("value"));
        assertNull(object.get("value"));
    }

    @Test
    void escapesAreDecodedAndQuoteRoundTrips() throws JsonSyntaxException {
        String text = "\"q\\\"b\\\\s\\/n\\n t\\t u\\u00e9 \\ud83d\\ude00\"";
        String decoded = (String) JsonParser.parse(text);
        assertEquals("q\"b\\s/n\n t\t u\u00e9 \ud83d\ude00", decoded);
        assertEquals(decoded, JsonParser.parse(JsonText.quote(decoded)));
        assertEquals("\u0001", JsonParser.parse(JsonText.quote("\u0001")));
    }

    @Test
    void integersBeyondLongStayExactAsBigDecimal() throws JsonSyntaxException {
        assertEquals(Long.MAX_VALUE, JsonParser.parse("9223372036854775807"));
        assertEquals(new BigDecimal("9223372036854775808"), JsonParser.parse("9223372036854775808"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "{\"a\"}", "{\"a\":1,}", "[1,]", "01", "1.", "-", "\"abc", "tru", "{\"a\":1} x",
            "\"\\x\"", "\"\\u12g4\"", "{a:1}", "\"tab\there\"", "[1 2]"})
    void invalidJsonIsRejected(String text) {
        assertThrows(JsonSyntaxException.class, () -> JsonParser.parse(text));
    }

    @Test
    void errorsCarryTheColumn() {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonParser.parse("{\"a\":1,,}"));
        assertEquals(8, e.column());
        assertEquals("unexpected ',', expected a field name in double quotes", e.getMessage());
    }

    @Test
    void nestingIsBounded() {
        String deep = "[".repeat(JsonParser.DEPTH_MAX + 1) + "]".repeat(JsonParser.DEPTH_MAX + 1);
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> JsonParser.parse(deep));
        assertTrue(e.getMessage().startsWith("nested deeper than"), e.getMessage());
    }
}
