package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.command.SessionRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The apply batch's two ways of holding writes: buffered in Java, or indexed once a read needs them. */
class ApplyBatchTest {
    @TempDir
    Path dir;
    private StateDb database;
    private RecentState recent;

    @BeforeEach
    void open() {
        database = StateDb.open(dir.resolve("db"), true);
        recent = RecentState.withDefaultCapacity();
    }

    @AfterEach
    void close() {
        database.close();
    }

    private ApplyBatch batch() {
        return new ApplyBatch(database.db(), database.path(), recent);
    }

    private static KeyValue record(long revision, long version, String value) {
        return KeyValue.newBuilder().setCreateRevision(revision).setModRevision(revision).setVersion(version)
                .setValue(bytes(value)).build();
    }

    private KeyValue stored(String key) {
        try (ApplyBatch reader = batch()) {
            return KeyValues.decode(StateKeys.kv(bytes(key)), reader.get(StateKeys.kv(bytes(key))));
        }
    }

    @Test
    void putsAndSessionsStayBufferedAndReachTheDatabaseInOneWrite() {
        try (ApplyBatch batch = batch()) {
            assertEquals(KeyVersion.ABSENT, batch.keyVersion(bytes("a")));
            assertNull(batch.session(7));
            batch.setSavePoint();
            batch.putRecord(bytes("a"), record(2, 1, "one"));
            batch.releaseSavePoint();
            batch.putSession(SessionRecord.newBuilder().setClientId(7).setLastSequence(1).build());
            assertEquals(new KeyVersion(2, 1), batch.keyVersion(bytes("a")));
            assertEquals(1, batch.session(7).getLastSequence());
            batch.write(database.writeOptions());
            assertFalse(batch.isIndexed(), "a batch of puts needs no index");
        }
        assertEquals("one", stored("a").getValue().toStringUtf8());
    }

    @Test
    void aRolledBackCommandLeavesTheBatchAndTheStagedVersionAsBeforeIt() {
        try (ApplyBatch batch = batch()) {
            batch.setSavePoint();
            batch.putRecord(bytes("a"), record(2, 1, "one"));
            batch.releaseSavePoint();
            batch.setSavePoint();
            batch.putRecord(bytes("a"), record(2, 2, "two"));
            batch.putRecord(bytes("b"), record(3, 1, "three"));
            batch.rollbackToSavePoint();
            // Staged, so answered without the database, which does not hold a yet.
            assertEquals(new KeyVersion(2, 1), batch.keyVersion(bytes("a")));
            assertEquals(KeyVersion.ABSENT, batch.keyVersion(bytes("b")));
            batch.write(database.writeOptions());
            assertFalse(batch.isIndexed());
        }
        assertEquals("one", stored("a").getValue().toStringUtf8());
        assertNull(stored("b"));
        assertEquals(new KeyVersion(2, 1), recent.keyVersions().get(bytes("a")), "the cache got the version before the rollback");
    }

    @Test
    void aReadInsideACommandIndexesTheWritesAndKeepsTheCommandsSavePoint() {
        try (ApplyBatch batch = batch()) {
            batch.setSavePoint();
            batch.putRecord(bytes("a"), record(2, 1, "one"));
            batch.releaseSavePoint();
            batch.setSavePoint();
            batch.putRecord(bytes("b"), record(3, 1, "two"));
            assertEquals("two", batch.record(bytes("b")).getValue().toStringUtf8(), "a read sees the batch's writes");
            assertTrue(batch.isIndexed());
            batch.putRecord(bytes("c"), record(3, 1, "three"));
            batch.rollbackToSavePoint();
            assertEquals("one", batch.record(bytes("a")).getValue().toStringUtf8());
            assertNull(batch.record(bytes("b")), "the command's writes before the read were rolled back too");
            batch.write(database.writeOptions());
        }
        assertEquals("one", stored("a").getValue().toStringUtf8());
        assertNull(stored("b"));
        assertNull(stored("c"));
    }

    @Test
    void aScanSeesTheBufferedWritesOverTheDatabase() {
        try (ApplyBatch batch = batch()) {
            batch.putRecord(bytes("a"), record(2, 1, "one"));
            batch.write(database.writeOptions());
        }
        try (ApplyBatch batch = batch()) {
            batch.putRecord(bytes("b"), record(3, 1, "two"));
            batch.deleteRecord(bytes("a"));
            List<String> seen = new ArrayList<>();
            batch.scan(StateKeys.tableStart(StateKeys.KV), StateKeys.tableEnd(StateKeys.KV), (key, value) -> {
                seen.add(KeyValues.decode(key, value).getKey().toStringUtf8());
                return true;
            });
            assertEquals(List.of("b"), seen);
        }
    }

    @Test
    void anUnstagedKeyIsReadFromTheDatabase() {
        ByteString key = bytes("a");
        try (ApplyBatch batch = batch()) {
            batch.putRecord(key, record(2, 4, "one"));
            batch.write(database.writeOptions());
        }
        recent.clear();
        try (ApplyBatch batch = batch()) {
            assertEquals(new KeyVersion(2, 4), batch.keyVersion(key));
            assertFalse(batch.isIndexed());
        }
    }
}
