package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.api.KeyValue;

/** Stored key values: the KeyValue proto without its key (the stored key already holds it). */
final class KeyValues {
    private KeyValues() {}

    /** The key's record with its key filled in, or null when the stored value is null (no key). */
    static KeyValue decode(byte[] storedKey, byte[] value) {
        if (value == null) {
            return null;
        }
        ByteString key = StateKeys.userKey(storedKey);
        try {
            return KeyValue.parseFrom(value).toBuilder().setKey(key).build();
        } catch (InvalidProtocolBufferException e) {
            throw new StorageFailedException("state machine record of key " + key.toStringUtf8()
                    + " is corrupt: " + e.getMessage(), e);
        }
    }

    static byte[] encode(KeyValue keyValue) {
        KeyValue withoutKey = keyValue.getKey().isEmpty() ? keyValue : keyValue.toBuilder().clearKey().build();
        return withoutKey.toByteArray();
    }
}
