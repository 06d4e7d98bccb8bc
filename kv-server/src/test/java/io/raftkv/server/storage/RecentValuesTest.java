package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RecentValuesTest {
    private static final KeyVersion V1 = new KeyVersion(2, 1);
    private static final KeyVersion V2 = new KeyVersion(2, 2);

    @Test
    void theLeastRecentlyUsedKeyIsDroppedBeyondTheCapacity() {
        RecentValues<ByteString, KeyVersion> cache = new RecentValues<>(2);
        cache.publish(Map.of(bytes("a"), V1, bytes("b"), V1));
        cache.get(bytes("a"));
        cache.publish(Map.of(bytes("c"), V1));
        assertEquals(2, cache.size());
        assertNull(cache.get(bytes("b")), "b was used least recently");
        assertEquals(V1, cache.get(bytes("a")));
        assertEquals(V1, cache.get(bytes("c")));
    }

    @Test
    void aPublishedNullForgetsTheKeyAndAVersionReplacesIt() {
        RecentValues<ByteString, KeyVersion> cache = new RecentValues<>(10);
        cache.publish(Map.of(bytes("a"), V1, bytes("b"), V1));
        Map<ByteString, KeyVersion> written = new HashMap<>();
        written.put(bytes("a"), null);
        written.put(bytes("b"), V2);
        cache.publish(written);
        assertNull(cache.get(bytes("a")));
        assertEquals(V2, cache.get(bytes("b")));
        cache.clear();
        assertEquals(0, cache.size());
    }

    @Test
    void aVersionWithoutACreateRevisionIsAnInvariantFailure() {
        assertThrows(AssertionError.class, () -> new KeyVersion(0, 3));
        assertThrows(AssertionError.class, () -> new KeyVersion(5, 0));
        assertEquals(KeyVersion.ABSENT, KeyVersion.of(null));
    }
}
