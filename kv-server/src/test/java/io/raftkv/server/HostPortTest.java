package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostPortTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "10.0.0.1:2380, 10.0.0.1, 2380",
        "node-1.raftkv.svc:2379, node-1.raftkv.svc, 2379",
        "localhost:0, localhost, 0",
        "[::1]:2380, ::1, 2380",
        "[fe80::1%eth0]:7, fe80::1%eth0, 7"})
    void parsesAndPrintsBack(String text, String host, int port) {
        HostPort address = HostPort.parse(text);
        assertEquals(host, address.host());
        assertEquals(port, address.port());
        assertEquals(text, address.toString());
    }

    @ParameterizedTest(name = "[{index}] ''{0}''")
    @ValueSource(strings = {"", "host", ":2380", "host:", "host:x", "host:65536", "a b:1", "::1:2380", "[::1]2380",
        "[zz]:1", "host:2380:1", "-host:1"})
    void rejectsMalformedAddresses(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostPort.parse(text));
        assertTrue(e.getMessage().contains("'") || e.getMessage().contains("port"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0.0.0.0:1", "[::]:1"})
    void wildcardsAreRecognised(String text) {
        assertTrue(HostPort.parse(text).isWildcard());
        assertFalse(HostPort.parse("127.0.0.1:1").isWildcard());
    }
}
