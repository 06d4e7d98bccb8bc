package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.raft.Invariants;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Key records go through {@link #putRecord}, {@link #deleteRecord} and {@link #keyVersion}, which
 * keep the {@link KeyVersionCache} in step: the versions this batch reads or writes are staged and
 * published to the cache only once the batch is written, and a rollback marks the keys the undone
 * command touched as unknown, so they are read through again. Not thread-safe; owned by the apply
 * thread for one call.
 */
final class ApplyBatch implements KvReader, AutoCloseable {
    private final RocksDB db;
    private final Path where;
    private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
    private final ReadOptions readOptions = new ReadOptions();
    private final KeyVersionCache versions;
    /** Versions as this batch leaves them; a null value: unknown, read through (a rolled-back write). */
    private final Map<ByteString, KeyVersion> staged = new HashMap<>();
    /** Keys staged since the save point, to mark unknown if it is rolled back. */
    private final List<ByteString> stagedSinceSavePoint = new ArrayList<>();
    private boolean savePointSet;

    ApplyBatch(RocksDB db, Path where, KeyVersionCache versions) {
        this.db = db;
        this.where = where;
        this.versions = versions;
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
        KeyVersion version = staged.get(key);
        if (version == null && !staged.containsKey(key)) {
            version = versions.get(key);
        }
        if (version == null) {
            return KeyVersion.of(record(key));
        }
        // Tests run with assertions on: every version not read just now is checked against the store.
        assert version.equals(readVersion(key))
                : "remembered version " + version + " of key " + key.toStringUtf8() + " differs from the store's";
        return version;
    }

    /** Writes a key's record (the record without its key, see {@link KeyValues}). */
    void putRecord(ByteString key, KeyValue record) {
        put(StateKeys.kv(key), KeyValues.encode(record));
        stage(key, KeyVersion.of(record));
    }

    void deleteRecord(ByteString key) {
        delete(StateKeys.kv(key));
        stage(key, KeyVersion.ABSENT);
    }

    /** The key's whole record (null if none), read from the batch and the database; its version is staged. */
    KeyValue record(ByteString key) {
        KeyValue record = readRecord(key);
        stage(key, KeyVersion.of(record));
        return record;
    }

    private KeyValue readRecord(ByteString key) {
        byte[] storedKey = StateKeys.kv(key);
        return KeyValues.decode(storedKey, get(storedKey));
    }

    private KeyVersion readVersion(ByteString key) {
        return KeyVersion.of(readRecord(key));
    }

    private void stage(ByteString key, KeyVersion version) {
        staged.put(key, version);
        if (savePointSet) {
            stagedSinceSavePoint.add(key);
        }
    }

    void put(byte[] key, byte[] value) {
        try {
            batch.put(key, value);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "batching a write", where);
        }
    }

    void delete(byte[] key) {
        try {
            batch.delete(key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "batching a delete", where);
        }
    }

    /** One level only: a command's writes. */
    void setSavePoint() {
        Invariants.check(!savePointSet, "apply batch save point set twice");
        batch.setSavePoint();
        savePointSet = true;
    }

    /** Drops every write since the last save point, and the save point. */
    void rollbackToSavePoint() {
        try {
            batch.rollbackToSavePoint();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "rolling back a failed command", where);
        }
        for (ByteString key : stagedSinceSavePoint) {
            staged.put(key, null);
        }
        endSavePoint();
    }

    /** Keeps the writes since the last save point and forgets the save point. */
    void releaseSavePoint() {
        try {
            batch.popSavePoint();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "releasing a save point", where);
        }
        endSavePoint();
    }

    private void endSavePoint() {
        Invariants.check(savePointSet, "apply batch save point ended without one");
        savePointSet = false;
        stagedSinceSavePoint.clear();
    }

    int count() {
        return batch.count();
    }

    /** Writes the batch, then publishes its key versions to the cache (not if the write fails). */
    void write(WriteOptions options) {
        Invariants.check(!savePointSet, "apply batch written inside a command");
        try {
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "writing the applied batch", where);
        }
        versions.publish(staged);
    }

    @Override
    public void close() {
        readOptions.close();
        batch.close();
    }
}
