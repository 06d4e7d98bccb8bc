package io.raftkv.server.storage;

import java.nio.file.Path;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * One open RocksDB instance of the state machine and its options. Writes skip RocksDB's own WAL: the
 * Raft log is durable and replays, so after a crash the state only needs to be a prefix of the
 * applied batches at or above the newest checkpoint. A memtable flush writes a prefix of the
 * batches (one column family, batches atomic in the memtable), and every checkpoint flushes first,
 * so the state reopens at its last flush, never below the newest checkpoint, below which the log
 * may have been compacted; raft-core hands the entries after it out again. A clean close flushes
 * (RocksDB flushes unpersisted memtables at shutdown). The WAL write was a seventh of the apply
 * threads' CPU, mostly the copy into fresh page-cache pages. Not thread-safe for close; RocksDB
 * itself is thread-safe.
 */
final class StateDb implements AutoCloseable {
    static {
        RocksDB.loadLibrary();
    }

    private final Path path;
    /** Uncompressed data blocks kept in memory, per open database. */
    static final long BLOCK_CACHE_BYTES = 128L << 20;
    /** How much an SST file being written may hold unsynced before RocksDB starts writing it back. */
    static final long SYNC_STEP_BYTES = 1L << 20;

    private final Options options;
    private final LRUCache blockCache;
    /** Native, like the cache: the options refer to it until the database is closed. */
    private final BloomFilter bloomFilter;
    private final RocksDB db;
    private final WriteOptions writeOptions;

    private StateDb(Path path, Options options, LRUCache blockCache, BloomFilter bloomFilter, RocksDB db) {
        this.path = path;
        this.options = options;
        this.blockCache = blockCache;
        this.bloomFilter = bloomFilter;
        this.db = db;
        this.writeOptions = new WriteOptions().setDisableWAL(true);
    }

    /** @throws StorageFailedException naming the directory if RocksDB cannot open it */
    static StateDb open(Path path, boolean createIfMissing) {
        LRUCache blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        BloomFilter bloomFilter = new BloomFilter(10, false);
        // Flushes and compactions start writing back every megabyte instead of leaving it all to the
        // end of a file: one burst of tens of megabytes made the Raft log's syncs on the same disk
        // wait behind it. Shutdown must flush, since the writes skip the WAL (RocksDB's default).
        Options options = new Options().setCreateIfMissing(createIfMissing).setParanoidChecks(true)
                .setTableFormatConfig(tableFormat(blockCache, bloomFilter))
                .setBytesPerSync(SYNC_STEP_BYTES).setAvoidFlushDuringShutdown(false);
        try {
            return new StateDb(path, options, blockCache, bloomFilter, RocksDB.open(options, path.toString()));
        } catch (RocksDBException e) {
            options.close();
            blockCache.close();
            bloomFilter.close();
            throw StorageErrors.of(e, "opening the state machine database", path);
        }
    }

    /**
     * Client reads, and the apply thread when a key or session is not in its {@link RecentState},
     * are point reads. Without filters such a point read searches a data block in every L0 file and
     * level it may be in; a Bloom filter (10 bits a key, about 1% false positives) lets it skip the files
     * that do not hold the key. Filters are built as files are written, so older files keep working.
     * The block cache holds uncompressed blocks: with RocksDB's default of 32 MiB and 100k keys, a
     * third of those reads' time in the profile went to fetching and decompressing blocks again.
     */
    private static BlockBasedTableConfig tableFormat(LRUCache blockCache, BloomFilter bloomFilter) {
        return new BlockBasedTableConfig().setFilterPolicy(bloomFilter).setBlockCache(blockCache);
    }

    Path path() {
        return path;
    }

    RocksDB db() {
        return db;
    }

    WriteOptions writeOptions() {
        return writeOptions;
    }

    /** Writes a RocksDB checkpoint (hard-linked SSTs after a memtable flush) into a new directory. */
    void checkpointTo(Path target) {
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "checkpointing the state machine into " + target.getFileName(), path);
        }
    }

    /**
     * The applied state a checkpoint holds, read from it opened read-only (its files are shared by
     * hard links with the live database and are sent to followers, so it must not change).
     */
    static AppliedState readCheckpoint(Path checkpoint) {
        try (Options readOptions = new Options();
             RocksDB readOnly = RocksDB.openReadOnly(readOptions, checkpoint.toString());
             SnapshotReader reader = new SnapshotReader(readOnly, checkpoint)) {
            return StateMeta.read(reader, checkpoint);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "opening checkpoint " + checkpoint.getFileName() + " to read its applied state",
                    checkpoint.getParent());
        }
    }

    /**
     * Starts writing the memtable to an SST file in the background and returns at once; writes go on
     * into a new memtable meanwhile.
     */
    void flushInBackground() {
        try (FlushOptions flush = new FlushOptions().setWaitForFlush(false)) {
            db.flush(flush);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "starting a background flush", path);
        }
    }

    /** Bytes of SST files plus memtables, as RocksDB estimates them. */
    long sizeBytes() {
        try {
            return db.getLongProperty("rocksdb.total-sst-files-size") + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading the database size", path);
        }
    }

    @Override
    public void close() {
        writeOptions.close();
        db.close();
        options.close();
        blockCache.close();
        bloomFilter.close();
    }
}
