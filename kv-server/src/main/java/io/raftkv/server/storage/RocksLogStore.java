package io.raftkv.server.storage;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import io.raftkv.raft.confchange.Changer;
import io.raftkv.raft.confchange.ConfChangeCodec;
import io.raftkv.raft.log.LogStorage;
import io.raftkv.raft.log.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft log, hard state and latest snapshot record on their own RocksDB instance (column family
 * {@code entries} for the entries, {@code default} for the records; see {@link LogCodec}). The log
 * holds {@code [firstIndex, lastIndex]}; the entry before firstIndex is the {@link LogBoundary}.
 * The latest snapshot may lie above the boundary: {@link #compact} keeps some log below a new
 * snapshot so a follower slightly behind catches up from the log instead of a snapshot.
 *
 * <p>Thread-safe: every method synchronizes on this store. In practice the raft loop thread does
 * everything; {@link #compact} may come from the thread that took the checkpoint.
 */
public final class RocksLogStore implements LogStorage, AutoCloseable {
    static final String ENTRIES_FAMILY = "entries";
    private static final Logger LOG = LoggerFactory.getLogger(RocksLogStore.class);

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions familyOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksDB db;
    private final ColumnFamilyHandle records;
    private final ColumnFamilyHandle entries;
    private final TailCache cache;
    /** Durable writes say so explicitly: RocksDB's default is not to sync. */
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    private final WriteOptions unsyncedWrites = new WriteOptions().setSync(false);
    private HardState hardState = HardState.EMPTY;
    private Snapshot snapshot = Snapshot.EMPTY;
    /** Invariant: boundary.index() <= snapshot.index() <= lastIndex. */
    private LogBoundary boundary = LogBoundary.EMPTY;
    private long lastIndex;
    private boolean closed;

    /**
     * Opens (creating if missing) the log under {@code directory} and checks every entry's CRC, that
     * the entries are contiguous from the boundary and their terms never decrease, and that the
     * commit index lies within the log; refuses to open otherwise.
     *
     * @throws CorruptLogException if a record is corrupt or the records disagree
     * @throws StorageFailedException if RocksDB cannot open the directory
     */
    public static RocksLogStore open(Path directory, long tailCacheBytesMax) {
        return new RocksLogStore(directory, tailCacheBytesMax);
    }

    private RocksLogStore(Path directory, long tailCacheBytesMax) {
        this.directory = directory;
        this.cache = new TailCache(tailCacheBytesMax);
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                .setParanoidChecks(true);
        this.familyOptions = new ColumnFamilyOptions();
        try {
            Files.createDirectories(directory);
            db = RocksDB.open(dbOptions, directory.toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                    new ColumnFamilyDescriptor(ENTRIES_FAMILY.getBytes(java.nio.charset.StandardCharsets.US_ASCII), familyOptions)),
                    handles);
        } catch (RocksDBException e) {
            closeOptions();
            throw StorageErrors.of(e, "opening the log store", directory);
        } catch (IOException e) {
            closeOptions();
            throw StorageErrors.of(e, "creating the log store directory", directory);
        }
        records = handles.get(0);
        entries = handles.get(1);
        try {
            loadAndValidate();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public synchronized HardState hardState() {
        return hardState;
    }

    /**
     * The membership at the log boundary (firstIndex - 1). raft-core rebuilds its configuration from
     * this and re-applies the conf changes it finds in the entries after it, so after a compaction
     * that keeps entries below the snapshot this is older than the snapshot's membership.
     */
    @Override
    public synchronized ConfState confState() {
        return boundary.confState();
    }

    @Override
    public synchronized List<Entry> entries(long low, long high, long bytesMax) {
        checkOpen();
        Invariants.check(low <= high, "entries range inverted: [%d, %d)", low, high);
        if (low < firstIndex()) {
            throw new StorageException.Compacted(low, firstIndex());
        }
        if (high > lastIndex + 1) {
            throw new StorageException.Unavailable(high - 1, lastIndex);
        }
        List<Entry> out = new ArrayList<>();
        long cacheFirst = cache.isEmpty() ? lastIndex + 1 : cache.firstIndex();
        long bytes = 0;
        if (low < cacheFirst) {
            bytes = readStored(low, Math.min(high, cacheFirst), bytesMax, out);
            if (out.size() < Math.min(high, cacheFirst) - low) {
                return out;
            }
        }
        for (long index = Math.max(low, cacheFirst); index < high; index++) {
            Entry entry = cache.get(index);
            bytes += entry.sizeBytes();
            if (!out.isEmpty() && bytes > bytesMax) {
                break;
            }
            out.add(entry);
        }
        return out;
    }

    @Override
    public synchronized long term(long index) {
        checkOpen();
        if (index == boundary.index()) {
            return boundary.term();
        }
        if (index < boundary.index()) {
            throw new StorageException.Compacted(index, firstIndex());
        }
        if (index > lastIndex) {
            throw new StorageException.Unavailable(index, lastIndex);
        }
        return entryAt(index).term();
    }

    @Override
    public synchronized long firstIndex() {
        return boundary.index() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return lastIndex;
    }

    /** The latest snapshot: its metadata and its descriptor (the checkpoint's directory name). */
    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Persists one Ready in one write batch, synced when {@code sync}: first the snapshot (a follower
     * installing the leader's), then the entries (truncating any stored entries at or after the first
     * new index: the leader's log wins), then the hard state, so the hard state is never durable
     * without the entries its commit index covers.
     */
    public synchronized void save(HardState hardStateOrNull, List<Entry> newEntries, Snapshot snapshotOrNull, boolean sync) {
        checkOpen();
        LogPlan plan = new LogPlan(boundary, snapshot, lastIndex);
        try (WriteBatch batch = new WriteBatch()) {
            boolean logHoldsSnapshot = false;
            if (snapshotOrNull != null && !snapshotOrNull.isEmpty()) {
                logHoldsSnapshot = planSnapshot(batch, plan, snapshotOrNull);
            }
            List<Entry> kept = planEntries(batch, plan, newEntries);
            if (hardStateOrNull != null) {
                planHardState(batch, plan, hardStateOrNull);
            }
            db.write(sync ? syncedWrites : unsyncedWrites, batch);
            if (snapshotOrNull != null && !snapshotOrNull.isEmpty()) {
                if (logHoldsSnapshot) {
                    cache.dropThrough(snapshotOrNull.index());
                } else {
                    cache.clear();
                }
            }
            cache.append(kept);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "saving to the log", directory);
        }
        boundary = plan.boundary;
        snapshot = plan.snapshot;
        lastIndex = plan.lastIndex;
        if (hardStateOrNull != null) {
            hardState = hardStateOrNull;
        }
        checkCache();
    }

    /**
     * Records a checkpoint of the state machine at {@code metadata.index()} as the latest snapshot
     * and drops the entries at or below {@code metadata.index() - retainEntries}: the newest
     * {@code retainEntries} entries up to the snapshot stay, so a follower that is only a little
     * behind is caught up from the log (hashicorp/raft#212). Synced: the snapshot record must be
     * durable before older checkpoints are pruned.
     *
     * <p>A request older than the recorded snapshot is stale and ignored: the checkpoint is taken on
     * the apply thread and compaction runs later on the raft loop, which may meanwhile have saved a
     * newer snapshot from the leader. Returns whether the request was recorded.
     */
    public synchronized boolean compact(SnapshotMetadata metadata, byte[] descriptor, long retainEntries) {
        checkOpen();
        Invariants.check(retainEntries >= 0, "retainEntries must be >= 0, got %d", retainEntries);
        if (metadata.index() < snapshot.index()) {
            LOG.info("log compaction ignored: snapshot={} is older than the recorded snapshot={}",
                    metadata.index(), snapshot.index());
            return false;
        }
        Invariants.check(metadata.index() >= boundary.index() && metadata.index() <= lastIndex,
                "snapshot index %d outside the log [%d, %d]", metadata.index(), boundary.index(), lastIndex);
        Invariants.check(metadata.index() <= hardState.commit(), "snapshot index %d beyond commit %d",
                metadata.index(), hardState.commit());
        Invariants.check(term(metadata.index()) == metadata.term(), "snapshot %d/%d disagrees with the log's term %d",
                metadata.term(), metadata.index(), term(metadata.index()));
        long newBoundaryIndex = Math.max(boundary.index(), metadata.index() - retainEntries);
        LogBoundary newBoundary = boundary;
        Snapshot newSnapshot = new Snapshot(metadata, descriptor.clone());
        try (WriteBatch batch = new WriteBatch()) {
            batch.put(records, LogCodec.SNAPSHOT_KEY, LogCodec.encodeSnapshot(newSnapshot));
            if (newBoundaryIndex > boundary.index()) {
                ConfState conf = newBoundaryIndex == metadata.index() ? metadata.confState()
                        : confStateThrough(newBoundaryIndex);
                newBoundary = new LogBoundary(newBoundaryIndex, term(newBoundaryIndex), conf);
                batch.deleteRange(entries, LogCodec.entryKey(firstIndex()), LogCodec.entryKey(newBoundaryIndex + 1));
                batch.put(records, LogCodec.BOUNDARY_KEY, LogCodec.encodeBoundary(newBoundary));
            }
            db.write(syncedWrites, batch);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "compacting the log", directory);
        }
        snapshot = newSnapshot;
        boundary = newBoundary;
        cache.dropThrough(newBoundary.index());
        checkCache();
        return true;
    }

    /** Usable bytes left on the file system holding the log. */
    public long freeBytes() {
        return DiskReserve.usableBytes(directory);
    }

    public Path directory() {
        return directory;
    }

    /** Bytes of entries held in the tail cache (for metrics). */
    public synchronized long cachedBytes() {
        return cache.bytes();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ColumnFamilyHandle handle : handles) {
            handle.close();
        }
        db.close();
        closeOptions();
    }

    // ------------------------------------------------------------------ save planning

    /** The state a save moves to, applied to the fields only once the batch is written. */
    private static final class LogPlan {
        LogBoundary boundary;
        Snapshot snapshot;
        long lastIndex;

        LogPlan(LogBoundary boundary, Snapshot snapshot, long lastIndex) {
            this.boundary = boundary;
            this.snapshot = snapshot;
            this.lastIndex = lastIndex;
        }
    }

    /** Returns whether the log holds the snapshot's (index, term), so the entries after it stay. */
    private boolean planSnapshot(WriteBatch batch, LogPlan plan, Snapshot incoming) throws RocksDBException {
        Invariants.check(incoming.index() >= snapshot.index(), "installed snapshot goes backwards: %d < %d",
                incoming.index(), snapshot.index());
        boolean logHolds = incoming.index() >= boundary.index() && incoming.index() <= lastIndex
                && term(incoming.index()) == incoming.term();
        long deleteEnd = logHolds ? incoming.index() + 1 : lastIndex + 1;
        if (deleteEnd > firstIndex()) {
            batch.deleteRange(entries, LogCodec.entryKey(firstIndex()), LogCodec.entryKey(deleteEnd));
        }
        plan.boundary = new LogBoundary(incoming.index(), incoming.term(), incoming.metadata().confState());
        plan.snapshot = incoming;
        plan.lastIndex = logHolds ? lastIndex : incoming.index();
        batch.put(records, LogCodec.SNAPSHOT_KEY, LogCodec.encodeSnapshot(incoming));
        batch.put(records, LogCodec.BOUNDARY_KEY, LogCodec.encodeBoundary(plan.boundary));
        return logHolds;
    }

    /** Puts the entries after the boundary, deleting stored ones they replace; returns those kept. */
    private List<Entry> planEntries(WriteBatch batch, LogPlan plan, List<Entry> newEntries) throws RocksDBException {
        int skip = 0;
        while (skip < newEntries.size() && newEntries.get(skip).index() <= plan.boundary.index()) {
            skip++;
        }
        List<Entry> kept = newEntries.subList(skip, newEntries.size());
        if (kept.isEmpty()) {
            return kept;
        }
        long start = kept.getFirst().index();
        Invariants.check(start <= plan.lastIndex + 1, "append at %d leaves a gap after %d", start, plan.lastIndex);
        long committed = Math.max(hardState.commit(), plan.boundary.index());
        Invariants.check(start > committed || start > plan.lastIndex,
                "append at %d would truncate committed entries (commit=%d)", start, committed);
        long previousTerm = start - 1 == plan.boundary.index() ? plan.boundary.term() : term(start - 1);
        for (int i = 0; i < kept.size(); i++) {
            Entry entry = kept.get(i);
            Invariants.check(entry.index() == start + i, "entries not contiguous: %d at position %d after %d",
                    entry.index(), i, start);
            Invariants.check(entry.term() >= previousTerm, "entry %d has term %d below the previous term %d",
                    entry.index(), entry.term(), previousTerm);
            previousTerm = entry.term();
        }
        if (start <= plan.lastIndex) {
            batch.deleteRange(entries, LogCodec.entryKey(start), LogCodec.entryKey(plan.lastIndex + 1));
        }
        for (Entry entry : kept) {
            batch.put(entries, LogCodec.entryKey(entry.index()), LogCodec.encodeEntry(entry));
        }
        plan.lastIndex = kept.getLast().index();
        return kept;
    }

    private void planHardState(WriteBatch batch, LogPlan plan, HardState next) throws RocksDBException {
        Invariants.check(next.term() >= hardState.term(), "hard state term goes backwards: %d < %d",
                next.term(), hardState.term());
        Invariants.check(next.term() > hardState.term() || hardState.vote() == 0 || next.vote() == hardState.vote(),
                "vote changed within term %d: %d -> %d", next.term(), hardState.vote(), next.vote());
        Invariants.check(next.commit() >= hardState.commit(), "commit goes backwards: %d < %d",
                next.commit(), hardState.commit());
        Invariants.check(next.commit() <= plan.lastIndex, "commit %d beyond the last index %d",
                next.commit(), plan.lastIndex);
        batch.put(records, LogCodec.HARD_STATE_KEY, LogCodec.encodeHardState(next));
    }

    // ------------------------------------------------------------------ reads

    private Entry entryAt(long index) {
        Entry cached = cache.get(index);
        if (cached != null) {
            return cached;
        }
        try {
            byte[] value = db.get(entries, LogCodec.entryKey(index));
            if (value == null) {
                throw new CorruptLogException("log entry " + index + " is missing from " + directory
                        + " (log is [" + firstIndex() + ", " + lastIndex + "])");
            }
            return LogCodec.decodeEntry(index, value);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading log entry " + index, directory);
        }
    }

    /** Appends stored entries [low, high) to out, bounded by bytes as entries() is; returns bytes. */
    private long readStored(long low, long high, long bytesMax, List<Entry> out) {
        long bytes = 0;
        try (Slice upper = new Slice(LogCodec.entryKey(high));
             ReadOptions options = new ReadOptions().setIterateUpperBound(upper);
             RocksIterator iterator = db.newIterator(entries, options)) {
            iterator.seek(LogCodec.entryKey(low));
            for (long index = low; index < high; index++) {
                if (!iterator.isValid() || LogCodec.indexOfKey(iterator.key()) != index) {
                    iterator.status();
                    throw new CorruptLogException("log entry " + index + " is missing from " + directory);
                }
                Entry entry = LogCodec.decodeEntry(index, iterator.value());
                bytes += entry.sizeBytes();
                if (!out.isEmpty() && bytes > bytesMax) {
                    break;
                }
                out.add(entry);
                iterator.next();
            }
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading log entries [" + low + ", " + high + ")", directory);
        }
        return bytes;
    }

    /**
     * The membership after the entry at {@code index}: the boundary's, with the conf changes of the
     * entries after the boundary up to index applied in order, as raft-core applies them.
     */
    private ConfState confStateThrough(long index) {
        ConfState conf = boundary.confState();
        for (long next = firstIndex(); next <= index; ) {
            List<Entry> chunk = entries(next, index + 1, 4L << 20);
            for (Entry entry : chunk) {
                if (entry.type() == EntryType.CONF_CHANGE) {
                    try {
                        conf = Changer.apply(conf, ConfChangeCodec.decode(entry.data()));
                    } catch (IllegalArgumentException e) {
                        // raft-core applied this committed change; failing here means we diverged from it.
                        throw new AssertionError("invariant violated: committed conf change at index "
                                + entry.index() + " does not apply to " + conf + ": " + e.getMessage(), e);
                    }
                }
            }
            next += chunk.size();
        }
        return conf;
    }

    // ------------------------------------------------------------------ open

    private void loadAndValidate() {
        try {
            byte[] hard = db.get(records, LogCodec.HARD_STATE_KEY);
            byte[] bound = db.get(records, LogCodec.BOUNDARY_KEY);
            byte[] snap = db.get(records, LogCodec.SNAPSHOT_KEY);
            hardState = hard == null ? HardState.EMPTY : LogCodec.decodeHardState(hard);
            boundary = bound == null ? LogBoundary.EMPTY : LogCodec.decodeBoundary(bound);
            snapshot = snap == null ? Snapshot.EMPTY : LogCodec.decodeSnapshot(snap);
        } catch (RocksDBException e) {
            throw StorageErrors.of(e, "reading the log records", directory);
        } catch (CorruptLogException e) {
            throw new CorruptLogException(e.getMessage() + " in " + directory);
        }
        lastIndex = LogScan.validate(db, entries, boundary, directory);
        refuseUnless(snapshot.index() >= boundary.index(), "snapshot record %d is below the log boundary %d",
                snapshot.index(), boundary.index());
        refuseUnless(snapshot.index() <= lastIndex, "snapshot record %d is beyond the last index %d",
                snapshot.index(), lastIndex);
        refuseUnless(hardState.commit() <= lastIndex, "commit index %d is beyond the last index %d",
                hardState.commit(), lastIndex);
    }

    private void refuseUnless(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new CorruptLogException("log store " + directory + " is inconsistent: " + String.format(format, args));
        }
    }

    private void checkCache() {
        Invariants.check(cache.isEmpty() || (cache.lastIndex() == lastIndex && cache.firstIndex() > boundary.index()),
                "tail cache [%d, %d] disagrees with the log (%d, %d]", cache.isEmpty() ? 0 : cache.firstIndex(),
                cache.isEmpty() ? 0 : cache.lastIndex(), boundary.index(), lastIndex);
    }

    private void checkOpen() {
        Invariants.check(!closed, "log store %s used after close", directory);
    }

    private void closeOptions() {
        syncedWrites.close();
        unsyncedWrites.close();
        familyOptions.close();
        dbOptions.close();
    }
}
