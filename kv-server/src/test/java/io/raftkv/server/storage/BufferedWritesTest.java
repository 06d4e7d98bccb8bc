package io.raftkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;

class BufferedWritesTest {
    static {
        RocksDB.loadLibrary();
    }

    /** Lengths on both sides of each varint byte boundary. */
    private static final int[] LENGTHS = {0, 1, 127, 128, 16_383, 16_384, 70_000};

    private static byte[] filled(int length, int seed) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) seed);
        return bytes;
    }

    private static byte[] key(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theEncodingIsByteForByteWhatRocksDbsOwnWriteBatchHolds() throws RocksDBException {
        BufferedWrites buffered = new BufferedWrites();
        try (WriteBatch expected = new WriteBatch()) {
            int seed = 0;
            for (int keyLength : new int[] {1, 200}) {
                for (int valueLength : LENGTHS) {
                    byte[] key = filled(keyLength, ++seed);
                    byte[] value = filled(valueLength, seed + 100);
                    buffered.put(key, value);
                    expected.put(key, value);
                }
                byte[] doomed = filled(keyLength, 77);
                buffered.delete(doomed);
                expected.delete(doomed);
            }
            assertEquals(expected.count(), buffered.count());
            assertArrayEquals(expected.data(), buffered.encode());
        }
    }

    @Test
    void anEmptyBatchEncodesAsRocksDbsEmptyBatch() throws RocksDBException {
        try (WriteBatch expected = new WriteBatch()) {
            assertArrayEquals(expected.data(), new BufferedWrites().encode());
        }
    }

    @Test
    void truncatingDropsTheLaterWritesAndTheirBytes() throws RocksDBException {
        BufferedWrites buffered = new BufferedWrites();
        buffered.put(key("a"), key("1"));
        int mark = buffered.count();
        buffered.put(key("b"), filled(300, 2));
        buffered.delete(key("a"));
        buffered.truncate(mark);
        buffered.put(key("c"), key("3"));
        try (WriteBatch expected = new WriteBatch()) {
            expected.put(key("a"), key("1"));
            expected.put(key("c"), key("3"));
            assertArrayEquals(expected.data(), buffered.encode());
        }
    }

    @Test
    void replayingIntoAnIndexedBatchGivesTheSameWritesInOrder() throws RocksDBException {
        BufferedWrites buffered = new BufferedWrites();
        buffered.put(key("a"), key("1"));
        buffered.delete(key("b"));
        buffered.put(key("a"), key("2"));
        try (WriteBatchWithIndex indexed = new WriteBatchWithIndex(true);
             WriteBatch expected = new WriteBatch()) {
            buffered.replayInto(indexed, 0, 2);
            buffered.replayInto(indexed, 2, 3);
            expected.put(key("a"), key("1"));
            expected.delete(key("b"));
            expected.put(key("a"), key("2"));
            // An overwriting index keeps one entry per key, but its representation keeps every write.
            assertArrayEquals(expected.data(), indexed.getWriteBatch().data());
        }
    }
}
