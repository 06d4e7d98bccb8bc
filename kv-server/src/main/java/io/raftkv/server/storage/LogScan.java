package io.raftkv.server.storage;

import io.raftkv.raft.Entry;
import java.nio.file.Path;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * The check a log store makes when it opens: reads every stored entry once, verifying its CRC, that
 * the entries run without a hole from just after the boundary, and that terms never decrease. The
 * cost is one sequential read of the retained log (bounded by how often the state machine is
 * snapshotted); the gain is that a damaged log stops the node at start instead of mid-flight.
 */
final class LogScan {
    private LogScan() {}

    /** Returns the last index (the boundary's index when there are no entries). */
    static long validate(RocksDB db, ColumnFamilyHandle entries, LogBoundary boundary, Path directory) {
        long expected = boundary.index() + 1;
        long previousTerm = boundary.term();
        try (RocksIterator iterator = db.newIterator(entries)) {
            for (iterator.seekToFirst(); iterator.isValid(); iterator.next()) {
                long index = LogCodec.indexOfKey(iterator.key());
                if (index != expected) {
                    throw new CorruptLogException("log store " + directory + " is inconsistent: expected entry "
                            + expected + " but found " + index + " (boundary " + boundary.index() + ")");
                }
                Entry entry;
                try {
                    entry = LogCodec.decodeEntry(index, iterator.value());
                } catch (CorruptLogException e) {
                    throw new CorruptLogException(e.getMessage() + " in " + directory);
                }
                if (entry.term() < previousTerm) {
                    throw new CorruptLogException("log store " + directory + " is inconsistent: entry " + index
                            + " has term " + entry.term() + " below the previous term " + previousTerm);
                }
                previousTerm = entry.term();
                expected++;
            }
            iterator.status();
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "scanning the log", directory);
        }
        return expected - 1;
    }
}
