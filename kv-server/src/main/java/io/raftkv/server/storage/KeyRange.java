package io.raftkv.server.storage;

import com.google.protobuf.ByteString;

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
}
