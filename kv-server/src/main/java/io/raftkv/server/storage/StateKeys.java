package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys of the state machine's RocksDB. One byte says what a key is, so each table is a contiguous,
 * ordered key range of the one database (and a checkpoint captures them all at one point):
 * <ul>
 *   <li>{@code 'k' + user key}: a KeyValue proto without its key (create/mod revision, version, value);</li>
 *   <li>{@code 'm' + name}: applied index and term, revision, membership;</li>
 *   <li>{@code 'n' + member id (8 bytes big-endian)}: a Member proto (the address book);</li>
 *   <li>{@code 's' + client id (8 bytes big-endian)}: a SessionRecord proto.</li>
 * </ul>
 */
final class StateKeys {
    static final byte KV = 'k';
    static final byte META = 'm';
    static final byte MEMBER = 'n';
    static final byte SESSION = 's';
    static final byte[] APPLIED = meta("applied");
    static final byte[] REVISION = meta("revision");
    static final byte[] CONF_STATE = meta("conf_state");

    private StateKeys() {}

    static byte[] kv(ByteString userKey) {
        byte[] key = new byte[userKey.size() + 1];
        key[0] = KV;
        userKey.copyTo(key, 1);
        return key;
    }

    static ByteString userKey(byte[] storedKey) {
        return ByteString.copyFrom(storedKey, 1, storedKey.length - 1);
    }

    /** The smallest key after every key of the table with this prefix. */
    static byte[] tableEnd(byte prefix) {
        return new byte[] {(byte) (prefix + 1)};
    }

    static byte[] tableStart(byte prefix) {
        return new byte[] {prefix};
    }

    static byte[] session(long clientId) {
        return ByteBuffer.allocate(9).put(SESSION).putLong(clientId).array();
    }

    static byte[] member(long id) {
        return ByteBuffer.allocate(9).put(MEMBER).putLong(id).array();
    }

    /** The key just after {@code key} in byte order: {@code key + 0x00}. */
    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    private static byte[] meta(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        byte[] key = new byte[bytes.length + 1];
        key[0] = META;
        System.arraycopy(bytes, 0, key, 1, bytes.length);
        return key;
    }
}
