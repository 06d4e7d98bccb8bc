package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;

/**
 * The writes of an apply batch held in Java, in order, until they go to RocksDB in one call as a
 * {@link WriteBatch} built from its serialized form. A batch of puts used to cost two JNI calls
 * per put (record and session) into a {@link WriteBatchWithIndex}, each copying the arrays and
 * inserting into the batch's own skip list, an index that only reads of the batch need; those
 * are {@link ApplyBatch}'s to ask for ({@link #replayInto}). Not thread-safe.
 *
 * <p>The encoding is RocksDB's WriteBatch representation ({@code db/write_batch.cc}): a fixed64
 * sequence (0: the database assigns it), a fixed32 count, then per write a tag byte
 * ({@code kTypeValue} 1 or {@code kTypeDeletion} 0) and each of key and value as a varint32
 * length and its bytes, in the default column family. RocksDB checks the count against the
 * records when it inserts the batch; {@code BufferedWritesTest} checks the bytes against a
 * WriteBatch built by its own calls.
 */
final class BufferedWrites {
    private static final int HEADER_BYTES = 12;
    private static final byte TYPE_DELETION = 0;
    private static final byte TYPE_VALUE = 1;
    /** RocksDB's lengths are varint32; a batch is one byte array. */
    static final int MAX_BYTES = Integer.MAX_VALUE - 64;

    private final List<byte[]> keys = new ArrayList<>();
    /** Parallel to keys; null marks a delete. */
    private final List<byte[]> values = new ArrayList<>();
    private long encodedBytes = HEADER_BYTES;

    void put(byte[] key, byte[] value) {
        add(key, value);
    }

    void delete(byte[] key) {
        add(key, null);
    }

    private void add(byte[] key, byte[] value) {
        encodedBytes += encodedBytes(key, value);
        Invariants.check(encodedBytes <= MAX_BYTES, "an apply batch grew past %d bytes", MAX_BYTES);
        keys.add(key);
        values.add(value);
    }

    /** How many writes are held; a position for {@link #truncate}. */
    int count() {
        return keys.size();
    }

    /** Drops every write after the first {@code count} (a command rolled back). */
    void truncate(int count) {
        Invariants.check(count >= 0 && count <= keys.size(), "truncating %d writes to %d", keys.size(), count);
        for (int i = keys.size() - 1; i >= count; i--) {
            encodedBytes -= encodedBytes(keys.remove(i), values.remove(i));
        }
    }

    /** One write's record: its tag, then the key and (unless a delete) the value, each length-prefixed. */
    private static long encodedBytes(byte[] key, byte[] value) {
        return 1 + varintBytes(key.length) + key.length + (value == null ? 0 : varintBytes(value.length) + value.length);
    }

    /** Writes {@code [from, to)} into an indexed batch, in order. */
    void replayInto(WriteBatchWithIndex batch, int from, int to) throws RocksDBException {
        for (int i = from; i < to; i++) {
            byte[] value = values.get(i);
            if (value == null) {
                batch.delete(keys.get(i));
            } else {
                batch.put(keys.get(i), value);
            }
        }
    }

    /** The writes in RocksDB's WriteBatch encoding. */
    byte[] encode() {
        byte[] out = new byte[(int) encodedBytes];
        int at = HEADER_BYTES - 4; // the sequence stays 0
        at = fixed32(out, at, keys.size());
        for (int i = 0; i < keys.size(); i++) {
            byte[] value = values.get(i);
            out[at++] = value == null ? TYPE_DELETION : TYPE_VALUE;
            at = lengthPrefixed(out, at, keys.get(i));
            if (value != null) {
                at = lengthPrefixed(out, at, value);
            }
        }
        Invariants.check(at == out.length, "encoded %d bytes of a batch sized %d", at, out.length);
        return out;
    }

    /** A WriteBatch holding the writes; the caller closes it. */
    WriteBatch toWriteBatch() {
        return new WriteBatch(encode());
    }

    private static int fixed32(byte[] out, int at, int value) {
        out[at] = (byte) value;
        out[at + 1] = (byte) (value >>> 8);
        out[at + 2] = (byte) (value >>> 16);
        out[at + 3] = (byte) (value >>> 24);
        return at + 4;
    }

    private static int lengthPrefixed(byte[] out, int at, byte[] bytes) {
        int length = bytes.length;
        while ((length & ~0x7F) != 0) {
            out[at++] = (byte) ((length & 0x7F) | 0x80);
            length >>>= 7;
        }
        out[at++] = (byte) length;
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
    }

    private static int varintBytes(int value) {
        int bytes = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }
}
