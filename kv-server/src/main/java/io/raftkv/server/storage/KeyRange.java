package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import java.util.Arrays;

/**
 * A range of user keys as etcd spells it, translated to stored keys {@code [from, to)}: an empty
 * {@code range_end} is the single key; {@code "\0"} is every key at or after {@code key}; anything
 * else is {@code [key, range_end)} (empty when range_end is not after key).
 */
record KeyRange(byte[] from, byte[] to) {
    private static final ByteString ALL_FOLLOWING = ByteString.copyFrom(new byte[] {0});

    static KeyRange of(ByteString key, ByteString rangeEnd) {
        byte[] from = StateKeys.kv(key);
        if (rangeEnd.isEmpty()) {
            return new KeyRange(from, StateKeys.successor(from));
        }
        if (rangeEnd.equals(ALL_FOLLOWING)) {
            return new KeyRange(from, StateKeys.tableEnd(StateKeys.KV));
        }
        return new KeyRange(from, StateKeys.kv(rangeEnd));
    }

    /** True when the range holds one key only ({@code to} is {@code from} followed by a zero byte). */
    boolean isSingleKey() {
        return to.length == from.length + 1 && to[from.length] == 0
                && Arrays.equals(from, 0, from.length, to, 0, from.length);
    }

    /**
     * Visits the range's keys in order. A single key is one point read, not a scan: RocksDB's Get
     * consults the Bloom filters and needs no iterator, which made a one-key Range about twice as
     * cheap as a seek in the read profile.
     */
    void visit(KvReader reader, KvReader.Visitor visitor) {
        if (isSingleKey()) {
            byte[] value = reader.get(from);
            if (value != null) {
                visitor.visit(from, value);
            }
        } else {
            reader.scan(from, to, visitor);
        }
    }
}
