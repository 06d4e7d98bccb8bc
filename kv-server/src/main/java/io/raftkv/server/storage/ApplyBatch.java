package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.command.SessionRecord;
import io.raftkv.raft.Invariants;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The writes of one apply call, indexed so that reads through this batch see them over the database
 * (a transaction reads its own writes; the next entry of the batch sees the previous one's). Save
 * points let one command's writes be undone when it fails, so a failed command changes nothing.
 * The database itself does not change while a batch is open: only the apply thread writes it.
 *
 * <p>Key records and sessions go through the methods named for them ({@link #keyVersion},
 * {@link #putRecord}, {@link #session}, ...), which keep the {@link RecentState} in step: what this
 * batch reads or writes of them is staged ({@link StagedValues}) and published only once the batch
 * is written. Not thread-safe; owned by the apply thread for one call.
 */
final class ApplyBatch implements KvReader, AutoCloseable {
    /** Stands for "no session" among staged and cached sessions, which cannot hold null. */
    private static final SessionRecord NO_SESSION = SessionRecord.getDefaultInstance();

    private final RocksDB db;
    private final Path where;
    private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
    private final ReadOptions readOptions = new ReadOptions();
    private final StagedValues<ByteString, KeyVersion> keyVersions;
    private final StagedValues<Long, SessionRecord> sessions;

    ApplyBatch(RocksDB db, Path where, RecentState recent) {
        this.db = db;
        this.where = where;
        this.keyVersions = new StagedValues<>(recent.keyVersions());
        this.sessions = new StagedValues<>(recent.sessions());
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return batch.getFromBatchAndDB(db, readOptions, key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading the state", where);
        }
    }

    @Override
    public void scan(byte[] from, byte[] to, Visitor visitor) {
        if (Arrays.compareUnsigned(from, to) >= 0) {
            return;
        }
        try (RocksIterator base = db.newIterator(readOptions);
             RocksIterator iterator = batch.newIteratorWithBase(base)) {
            for (iterator.seek(from); iterator.isValid(); iterator.next()) {
                byte[] key = iterator.key();
                if (Arrays.compareUnsigned(key, to) >= 0 || !visitor.visit(key, iterator.value())) {
                    return;
                }
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "scanning the state", where);
        }
    }

    /**
     * The create revision and version of {@code key} as this batch would leave it: staged by this
     * batch, else cached, else read from the batch and the database (and staged).
     */
    KeyVersion keyVersion(ByteString key) {
        KeyVersion version = keyVersions.known(key);
        if (version == null) {
            return KeyVersion.of(record(key));
        }
        // Tests run with assertions on: every version not read just now is checked against the store.
        assert version.equals(KeyVersion.of(readRecord(key)))
                : "remembered version " + version + " of key " + key.toStringUtf8() + " differs from the store's";
        return version;
    }

    /** Writes a key's record (the record without its key, see {@link KeyValues}). */
    void putRecord(ByteString key, KeyValue record) {
        batchPut(StateKeys.kv(key), KeyValues.encode(record));
        keyVersions.stage(key, KeyVersion.of(record));
    }

    void deleteRecord(ByteString key) {
        batchDelete(StateKeys.kv(key));
        keyVersions.stage(key, KeyVersion.ABSENT);
    }

    /** The key's whole record (null if none), read from the batch and the database; its version is staged. */
    KeyValue record(ByteString key) {
        KeyValue record = readRecord(key);
        keyVersions.stage(key, KeyVersion.of(record));
        return record;
    }

    private KeyValue readRecord(ByteString key) {
        byte[] storedKey = StateKeys.kv(key);
        return KeyValues.decode(storedKey, get(storedKey));
    }

    /** The client's session as this batch leaves it, or null if it has none. */
    SessionRecord session(long clientId) {
        SessionRecord session = sessions.known(clientId);
        if (session == null) {
            session = Sessions.read(this, clientId);
            sessions.stage(clientId, session == null ? NO_SESSION : session);
            return session;
        }
        assert session.equals(Objects.requireNonNullElse(Sessions.read(this, clientId), NO_SESSION))
                : "remembered session of client " + clientId + " differs from the store's";
        return session == NO_SESSION ? null : session;
    }

    void putSession(SessionRecord session) {
        batchPut(StateKeys.session(session.getClientId()), session.toByteArray());
        sessions.stage(session.getClientId(), session);
    }

    void deleteSession(long clientId) {
        batchDelete(StateKeys.session(clientId));
        sessions.stage(clientId, NO_SESSION);
    }

    /** Writes a key of another table than records and sessions, which have their own methods. */
    void put(byte[] key, byte[] value) {
        checkNotRemembered(key);
        batchPut(key, value);
    }

    /** Deletes a key of another table than records and sessions, which have their own methods. */
    void delete(byte[] key) {
        checkNotRemembered(key);
        batchDelete(key);
    }

    /** Records and sessions written past their methods would leave the RecentState stale. */
    private static void checkNotRemembered(byte[] key) {
        byte table = key.length == 0 ? 0 : key[0];
        Invariants.check(table != StateKeys.KV && table != StateKeys.SESSION,
                "a record or session key written around the apply batch's cache: table '%c'", (char) table);
    }

    private void batchPut(byte[] key, byte[] value) {
        try {
            batch.put(key, value);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "batching a write", where);
        }
    }

    private void batchDelete(byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "batching a delete", where);
        }
    }

    /** One level only: a command's writes. */
    void setSavePoint() {
        keyVersions.beginCommand();
        sessions.beginCommand();
        batch.setSavePoint();
    }

    /** Drops every write since the last save point, and the save point. */
    void rollbackToSavePoint() {
        try {
            batch.rollbackToSavePoint();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "rolling back a failed command", where);
        }
        keyVersions.rollBackCommand();
        sessions.rollBackCommand();
    }

    /** Keeps the writes since the last save point and forgets the save point. */
    void releaseSavePoint() {
        try {
            batch.popSavePoint();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "releasing a save point", where);
        }
        keyVersions.endCommand();
        sessions.endCommand();
    }

    int count() {
        return batch.count();
    }

    /** Writes the batch, then publishes its key versions and sessions (not if the write fails). */
    void write(WriteOptions options) {
        try {
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "writing the applied batch", where);
        }
        keyVersions.publish();
        sessions.publish();
    }

    @Override
    public void close() {
        readOptions.close();
        batch.close();
    }
}
