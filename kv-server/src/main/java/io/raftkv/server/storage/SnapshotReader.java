package io.raftkv.server.storage;

import java.nio.file.Path;
import java.util.Arrays;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * Reads from one RocksDB snapshot, so a range and the revision it reports describe the same
 * instant even while the apply thread writes. Close it promptly: a live snapshot pins old data.
 * Not thread-safe; one per read.
 */
final class SnapshotReader implements KvReader, AutoCloseable {
    private final RocksDB db;
    private final Path where;
    private final Snapshot snapshot;
    private final ReadOptions options;

    SnapshotReader(RocksDB db, Path where) {
        this.db = db;
        this.where = where;
        this.snapshot = db.getSnapshot();
        this.options = new ReadOptions().setSnapshot(snapshot);
    }

    @Override
    public byte[] get(byte[] key) {
        try {
            return db.get(options, key);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading the state", where);
        }
    }

    @Override
    public void scan(byte[] from, byte[] to, Visitor visitor) {
        if (Arrays.compareUnsigned(from, to) >= 0) {
            return;
        }
        try (Slice upper = new Slice(to);
             ReadOptions bounded = new ReadOptions().setSnapshot(snapshot).setIterateUpperBound(upper);
             RocksIterator iterator = db.newIterator(bounded)) {
            for (iterator.seek(from); iterator.isValid(); iterator.next()) {
                if (!visitor.visit(iterator.key(), iterator.value())) {
                    return;
                }
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "scanning the state", where);
        }
    }

    @Override
    public void close() {
        options.close();
        db.releaseSnapshot(snapshot);
    }
}
