package io.raftkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class KeyRangeTest {
    /** Records which access a range used, over a sorted map of stored keys. */
    private static final class RecordingReader implements KvReader {
        final TreeMap<String, byte[]> rows = new TreeMap<>();
        int gets;
        int scans;

        void put(String userKey, String value) {
            rows.put(new String(StateKeys.kv(ByteString.copyFromUtf8(userKey)), StandardCharsets.ISO_8859_1),
                    value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public byte[] get(byte[] key) {
            gets++;
            return rows.get(new String(key, StandardCharsets.ISO_8859_1));
        }

        @Override
        public void scan(byte[] from, byte[] to, Visitor visitor) {
            scans++;
            String start = new String(from, StandardCharsets.ISO_8859_1);
            String end = new String(to, StandardCharsets.ISO_8859_1);
            for (Map.Entry<String, byte[]> row : rows.subMap(start, end).entrySet()) {
                if (!visitor.visit(row.getKey().getBytes(StandardCharsets.ISO_8859_1), row.getValue())) {
                    return;
                }
            }
        }
    }

    private static List<String> visited(KeyRange range, KvReader reader) {
        List<String> values = new ArrayList<>();
        range.visit(reader, (key, value) -> values.add(new String(value, StandardCharsets.UTF_8)));
        return values;
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFromUtf8(s);
    }

    /** Keys a, a\0, ab and b, with the values 1 to 4: neighbours a scan would see. */
    private static RecordingReader neighbours() {
        RecordingReader reader = new RecordingReader();
        reader.put("a", "1");
        reader.put("a\0", "2");
        reader.put("ab", "3");
        reader.put("b", "4");
        return reader;
    }

    @Test
    void aSingleKeyIsOnePointReadAndFindsExactlyThatKey() {
        RecordingReader reader = neighbours();

        KeyRange single = KeyRange.of(bytes("a"), ByteString.EMPTY);
        assertTrue(single.isSingleKey());
        assertEquals(List.of("1"), visited(single, reader));
        assertEquals(1, reader.gets);
        assertEquals(0, reader.scans);
        assertEquals(List.of(), visited(KeyRange.of(bytes("c"), ByteString.EMPTY), reader), "a missing key visits nothing");
    }

    @Test
    void anExplicitRangeEndOfKeyPlusZeroIsTheSameSingleKey() {
        KeyRange explicit = KeyRange.of(bytes("a"), bytes("a\0"));
        assertTrue(explicit.isSingleKey());
    }

    @Test
    void widerRangesScanInKeyOrder() {
        RecordingReader reader = neighbours();

        KeyRange prefix = KeyRange.of(bytes("a"), bytes("b"));
        assertFalse(prefix.isSingleKey());
        assertEquals(List.of("1", "2", "3"), visited(prefix, reader));
        assertEquals(1, reader.scans);
        assertFalse(KeyRange.of(bytes("a"), bytes("\0")).isSingleKey(), "from a key onwards");
        assertFalse(KeyRange.of(bytes("a"), bytes("a")).isSingleKey(), "an empty range");
    }
}
