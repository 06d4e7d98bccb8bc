package io.raftkv.server.storage;

import java.nio.file.Path;
import java.util.Arrays;
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
 * Not thread-safe; owned by the apply thread for one call.
 */
final class ApplyBatch implements KvReader, AutoCloseable {
    private final RocksDB db;
    private final Path where;
    private final WriteBatchWithIndex batch = new WriteBatchWithIndex(true);
    private final ReadOptions readOptions = new ReadOptions();

    ApplyBatch(RocksDB db, Path where) {
        this.db = db;
        this.where = where;
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

    void setSavePoint() {
        batch.setSavePoint();
    }

    /** Drops every write since the last save point, and the save point. */
    void rollbackToSavePoint() {
        try {
            batch.rollbackToSavePoint();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "rolling back a failed command", where);
        }
    }

    /** Keeps the writes since the last save point and forgets the save point. */
    void releaseSavePoint() {
        try {
            batch.popSavePoint();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "releasing a save point", where);
        }
    }

    int count() {
        return batch.count();
    }

    void write(WriteOptions options) {
        try {
            db.write(options, batch);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "writing the applied batch", where);
        }
    }

    @Override
    public void close() {
        readOptions.close();
        batch.close();
    }
}
