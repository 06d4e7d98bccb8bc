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
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBatchWithIndex;
import org.rocksdb.WriteOptions;

/**
 * The writes of one apply call. Save points let one command's writes be undone when it fails, so
 * a failed command changes nothing. The database itself does not change while a batch is open:
 * only the apply thread writes it.
 *
 * <p>Two ways to hold the writes. A batch starts {@link BufferedWrites buffered} in Java and is
 * handed to RocksDB in one call: a put reads only its key's version and its client's session,
 * which the {@link StagedValues} answer for every key this batch wrote, so any other key it
 * reads is unwritten and the database alone holds it. The first read that must see the batch's
 * writes under it ({@link #get} and {@link #scan}: a transaction reading its own writes, a range
 * delete, a put asking for prev_kv, session expiry) moves the writes so far into a
 * {@link WriteBatchWithIndex}, which holds every later write of the batch.
 *
 * <p>Key records and sessions go through the methods named for them ({@link #keyVersion},
 * {@link #putRecord}, {@link #session}, ...), which keep the {@link RecentState} in step: what this
 * batch reads or writes of them is staged and published only once the batch is written. Not
 * thread-safe; owned by the apply thread for one call.
 */
final class ApplyBatch implements KvReader, AutoCloseable {
    /** Stands for "no session" among staged and cached sessions, which cannot hold null. */
    private static final SessionRecord NO_SESSION = SessionRecord.getDefaultInstance();

    private final RocksDB db;
    private final Path where;
    private final ReadOptions readOptions = new ReadOptions();
    private final BufferedWrites buffered = new BufferedWrites();
    /** Null while the writes are buffered; once made, it holds all of them. */
    private WriteBatchWithIndex indexed;
    /** While buffered and inside a command: how many writes came before it; else -1. */
    private int commandStart = -1;
    private final StagedValues<ByteString, KeyVersion> keyVersions;
    private final StagedValues<Long, SessionRecord> sessions;

    ApplyBatch(RocksDB db, Path where, RecentState recent) {
        this.db = db;
        this.where = where;
        this.keyVersions = new StagedValues<>(recent.keyVersions());
        this.sessions = new StagedValues<>(recent.sessions());
    }

    /** The value as this batch would leave it: the batch's writes over the database. */
    @Override
    public byte[] get(byte[] key) {
        try {
            return indexed().getFromBatchAndDB(db, readOptions, key);
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
             RocksIterator iterator = indexed().newIteratorWithBase(base)) {
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

    /** A key this batch has not written (its staged value says so): the database alone holds it. */
    private byte[] getUnwritten(byte[] key) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading the state", where);
        }
    }

    /**
     * The create revision and version of {@code key} as this batch would leave it: staged by this
     * batch, else cached, else read from the database (and staged).
     */
    KeyVersion keyVersion(ByteString key) {
        KeyVersion version = keyVersions.known(key);
        if (version == null) {
            byte[] storedKey = StateKeys.kv(key);
            version = KeyVersion.of(KeyValues.decode(storedKey, getUnwritten(storedKey)));
            keyVersions.stage(key, version);
            return version;
        }
        // Tests run with assertions on: every version not read just now is checked against the store.
        assert (indexed == null && keyVersions.isStaged(key))
                || version.equals(KeyVersion.of(KeyValues.decode(StateKeys.kv(key), peek(StateKeys.kv(key)))))
                : "remembered version " + version + " of key " + key.toStringUtf8() + " differs from the store's";
        return version;
    }

    /**
     * For the assertions, which must not index the batch (that would change what runs with them on):
     * the batch over the database once indexed; before, the database alone, which is right for
     * unstaged keys only, and staged ones are not checked then.
     */
    private byte[] peek(byte[] key) {
        try {
            return indexed == null ? getUnwritten(key) : indexed.getFromBatchAndDB(db, readOptions, key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading the state", where);
        }
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
            session = Sessions.decode(clientId, getUnwritten(StateKeys.session(clientId)));
            sessions.stage(clientId, session == null ? NO_SESSION : session);
            return session;
        }
        assert (indexed == null && sessions.isStaged(clientId)) || session.equals(
                Objects.requireNonNullElse(Sessions.decode(clientId, peek(StateKeys.session(clientId))), NO_SESSION))
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
        if (indexed == null) {
            buffered.put(key, value);
            return;
        }
        try {
            indexed.put(key, value);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "batching a write", where);
        }
    }

    private void batchDelete(byte[] key) {
        if (indexed == null) {
            buffered.delete(key);
            return;
        }
        try {
            indexed.delete(key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "batching a delete", where);
        }
    }

    /** The indexed batch, made from the buffered writes (and the open command's save point) on first use. */
    private WriteBatchWithIndex indexed() {
        if (indexed != null) {
            return indexed;
        }
        WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
        boolean made = false;
        try {
            int held = buffered.count();
            int beforeCommand = commandStart < 0 ? held : commandStart;
            buffered.replayInto(batch, 0, beforeCommand);
            if (commandStart >= 0) {
                batch.setSavePoint();
            }
            buffered.replayInto(batch, beforeCommand, held);
            made = true;
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "indexing the apply batch", where);
        } finally {
            if (!made) {
                batch.close();
            }
        }
        buffered.truncate(0);
        commandStart = -1;
        indexed = batch;
        return indexed;
    }

    /** One level only: a command's writes. */
    void setSavePoint() {
        keyVersions.beginCommand();
        sessions.beginCommand();
        if (indexed == null) {
            Invariants.check(commandStart < 0, "a save point set inside a command");
            commandStart = buffered.count();
        } else {
            indexed.setSavePoint();
        }
    }

    /** Drops every write since the last save point, and the save point. */
    void rollbackToSavePoint() {
        if (indexed == null) {
            Invariants.check(commandStart >= 0, "a rollback outside a command");
            buffered.truncate(commandStart);
            commandStart = -1;
        } else {
            try {
                indexed.rollbackToSavePoint();
            } catch (RocksDBException e) {
                throw StorageErrors.of(e, "rolling back a failed command", where);
            }
        }
        keyVersions.rollBackCommand();
        sessions.rollBackCommand();
    }

    /** Keeps the writes since the last save point and forgets the save point. */
    void releaseSavePoint() {
        if (indexed == null) {
            commandStart = -1;
        } else {
            try {
                indexed.popSavePoint();
            } catch (RocksDBException e) {
                throw StorageErrors.of(e, "releasing a save point", where);
            }
        }
        keyVersions.endCommand();
        sessions.endCommand();
    }

    /** Whether the writes were moved into an indexed batch (for tests). */
    boolean isIndexed() {
        return indexed != null;
    }

    /** Writes the batch, then publishes its key versions and sessions (not if the write fails). */
    void write(WriteOptions options) {
        try {
            if (indexed != null) {
                db.write(options, indexed);
            } else {
                try (WriteBatch batch = buffered.toWriteBatch()) {
                    db.write(options, batch);
                }
            }
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "writing the applied batch", where);
        }
        keyVersions.publish();
        sessions.publish();
    }

    @Override
    public void close() {
        readOptions.close();
        if (indexed != null) {
            indexed.close();
        }
    }
}
