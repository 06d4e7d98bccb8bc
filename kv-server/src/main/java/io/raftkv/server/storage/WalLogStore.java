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
import io.raftkv.raft.log.StoredLog;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Raft log, hard state and latest snapshot record as a write-ahead log of our own: each save
 * appends its frames ({@link WalFrames}) to the newest of a sequence of zero-filled segment files
 * ({@link WalSegment}) in one write and, when Raft asks for durability, one fdatasync. Nothing is
 * ever rewritten in place: a truncation is a lower-indexed entry appended after the ones it replaces,
 * a compaction is a boundary record, and {@link WalReplay} rebuilds the state in write order on
 * open. Whole segments go once a boundary covers every entry in them. Each segment after the first
 * begins with the boundary, snapshot and hard state in force when it was started, synced before the
 * file takes its name, so deleting the older ones loses nothing. The log holds {@code [firstIndex, lastIndex]}; the entry before firstIndex is the
 * {@link LogBoundary}. The latest snapshot may lie above the boundary: {@link #compact} keeps some log
 * below a new snapshot so a follower slightly behind catches up from the log.
 *
 * <p>Why not RocksDB (as before): its WAL appends, so every synced write also commits the file's new
 * size to the file system journal, and it disables WAL recycling in the recovery mode a Raft log
 * needs; the entries then went through a memtable, flushes and compactions only to be deleted.
 *
 * <p>Thread-safe: every method synchronizes on this store. In practice the raft loop thread does
 * everything; {@link #compact} may come from the thread that took the checkpoint. A failed write
 * leaves the store refusing every later one: what reached the disk is unknown until a restart
 * replays it.
 */
public final class WalLogStore implements LogStorage, AutoCloseable {
    public static final int DEFAULT_SEGMENT_BYTES = 64 << 20;
    /** Small enough for tests to roll segments often; large enough for a few frames. */
    static final int SEGMENT_BYTES_MIN = 4 << 10;
    private static final Logger LOG = LoggerFactory.getLogger(WalLogStore.class);

    private final Path directory;
    private final WalSegments segments;
    private final TailCache cache;
    private final FrameBatch batch = new FrameBatch();
    private final EntryLocations locations;
    private HardState hardState;
    private Snapshot snapshot;
    /** Invariant: boundary.index() <= snapshot.index() <= lastIndex. */
    private LogBoundary boundary;
    private StorageFailedException failure;
    private boolean closed;

    /**
     * Opens (creating if missing) the log under {@code directory}, replaying every segment: checks
     * every frame's CRC, that the entries are contiguous from the boundary and their terms never
     * decrease, and that the commit index lies within the log; refuses to open otherwise. An
     * interrupted write at the very end is dropped (see {@link WalReplay}).
     *
     * @throws CorruptLogException if a frame is corrupt or the frames disagree
     * @throws StorageFailedException if the directory cannot be read or written
     */
    public static WalLogStore open(Path directory, long tailCacheBytesMax, int segmentBytes) {
        Invariants.check(segmentBytes >= SEGMENT_BYTES_MIN, "WAL segment bytes must be >= %d, got %d",
                SEGMENT_BYTES_MIN, segmentBytes);
        List<WalSegment> opened = WalSegments.openAll(directory, segmentBytes);
        try {
            return new WalLogStore(directory, tailCacheBytesMax, segmentBytes, opened, WalReplay.of(opened));
        } catch (RuntimeException e) {
            WalSegments.closeAll(opened);
            throw e;
        }
    }

    private WalLogStore(Path directory, long tailCacheBytesMax, int segmentBytes, List<WalSegment> opened, WalReplay replay) {
        this.directory = directory;
        this.cache = new TailCache(tailCacheBytesMax);
        this.hardState = replay.hardState;
        this.snapshot = replay.snapshot;
        this.boundary = replay.boundary;
        this.locations = replay.locations;
        this.segments = new WalSegments(directory, segmentBytes, opened);
        LOG.info("WAL opened dir={} segments={} log=({}, {}] commit={} snapshot={}", directory, segments.count(),
                boundary.index(), lastIndex(), hardState.commit(), snapshot.index());
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
        return StoredLog.entries(low, high, bytesMax, boundary.index(), lastIndex(), this::entryAt);
    }

    @Override
    public synchronized long term(long index) {
        checkOpen();
        return StoredLog.term(index, boundary.index(), boundary.term(), lastIndex(), locations::term);
    }

    @Override
    public synchronized long firstIndex() {
        return boundary.index() + 1;
    }

    @Override
    public synchronized long lastIndex() {
        return locations.nextIndex() - 1;
    }

    /** The latest snapshot: its metadata and its descriptor (the checkpoint's directory name). */
    @Override
    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Persists one Ready in one write, synced when {@code sync}: first the snapshot (a follower
     * installing the leader's), then the entries (the stored ones at or after the first new index are
     * replaced: the leader's log wins), then the hard state, so the hard state is never durable
     * without the entries its commit index covers.
     */
    public synchronized void save(HardState hardStateOrNull, List<Entry> newEntries, Snapshot snapshotOrNull, boolean sync) {
        checkWritable();
        batch.clear();
        boolean installs = snapshotOrNull != null && !snapshotOrNull.isEmpty();
        LogBoundary nextBoundary = boundary;
        boolean logHoldsSnapshot = false;
        long nextLast = lastIndex();
        if (installs) {
            Invariants.check(snapshotOrNull.index() >= snapshot.index(), "installed snapshot goes backwards: %d < %d",
                    snapshotOrNull.index(), snapshot.index());
            logHoldsSnapshot = snapshotOrNull.index() >= boundary.index() && snapshotOrNull.index() <= lastIndex()
                    && term(snapshotOrNull.index()) == snapshotOrNull.term();
            nextBoundary = new LogBoundary(snapshotOrNull.index(), snapshotOrNull.term(), snapshotOrNull.metadata().confState());
            nextLast = logHoldsSnapshot ? lastIndex() : snapshotOrNull.index();
            batch.add(logHoldsSnapshot ? WalFrames.Kind.INSTALL : WalFrames.Kind.REPLACE, LogCodec.encodeSnapshot(snapshotOrNull));
        }
        List<Entry> kept = keptEntries(newEntries, nextBoundary, nextLast);
        int[] offsets = new int[kept.size()];
        for (int i = 0; i < kept.size(); i++) {
            offsets[i] = batch.add(WalFrames.Kind.ENTRY, LogCodec.encodeEntry(kept.get(i)));
        }
        if (!kept.isEmpty()) {
            nextLast = kept.getLast().index();
        }
        if (hardStateOrNull != null) {
            checkHardState(hardStateOrNull, nextLast);
            batch.add(WalFrames.Kind.HARD_STATE, LogCodec.encodeHardState(hardStateOrNull));
        }
        if (batch.bytes() == 0) {
            return;
        }
        // A boundary that moves lets older segments go, which must not happen before it is durable.
        long place = write(sync || installs);
        if (installs) {
            if (logHoldsSnapshot) {
                locations.dropThrough(snapshotOrNull.index());
                cache.dropThrough(snapshotOrNull.index());
            } else {
                locations.reset(snapshotOrNull.index() + 1);
                cache.clear();
            }
            boundary = nextBoundary;
            snapshot = snapshotOrNull;
        }
        if (!kept.isEmpty()) {
            locations.truncateFrom(kept.getFirst().index());
            for (int i = 0; i < kept.size(); i++) {
                Entry entry = kept.get(i);
                locations.append(entry.index(), entry.term(), place + offsets[i]);
            }
            cache.append(kept);
        }
        if (hardStateOrNull != null) {
            hardState = hardStateOrNull;
        }
        checkCache();
        if (installs) {
            deleteCoveredSegments();
        }
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
        checkWritable();
        Invariants.check(retainEntries >= 0, "retainEntries must be >= 0, got %d", retainEntries);
        if (metadata.index() < snapshot.index()) {
            LOG.info("log compaction ignored: snapshot={} is older than the recorded snapshot={}",
                    metadata.index(), snapshot.index());
            return false;
        }
        Invariants.check(metadata.index() >= boundary.index() && metadata.index() <= lastIndex(),
                "snapshot index %d outside the log [%d, %d]", metadata.index(), boundary.index(), lastIndex());
        Invariants.check(metadata.index() <= hardState.commit(), "snapshot index %d beyond commit %d",
                metadata.index(), hardState.commit());
        Invariants.check(term(metadata.index()) == metadata.term(), "snapshot %d/%d disagrees with the log's term %d",
                metadata.term(), metadata.index(), term(metadata.index()));
        long newBoundaryIndex = Math.max(boundary.index(), metadata.index() - retainEntries);
        LogBoundary newBoundary = boundary;
        Snapshot newSnapshot = new Snapshot(metadata, descriptor.clone());
        batch.clear();
        batch.add(WalFrames.Kind.SNAPSHOT, LogCodec.encodeSnapshot(newSnapshot));
        if (newBoundaryIndex > boundary.index()) {
            ConfState conf = newBoundaryIndex == metadata.index() ? metadata.confState() : confStateThrough(newBoundaryIndex);
            newBoundary = new LogBoundary(newBoundaryIndex, term(newBoundaryIndex), conf);
            batch.add(WalFrames.Kind.BOUNDARY, LogCodec.encodeBoundary(newBoundary));
        }
        write(true);
        snapshot = newSnapshot;
        boundary = newBoundary;
        locations.dropThrough(newBoundary.index());
        cache.dropThrough(newBoundary.index());
        checkCache();
        deleteCoveredSegments();
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

    /** Segment files holding the log (for metrics and tests); a prepared one is not counted. */
    public synchronized int segmentCount() {
        return segments.count();
    }

    /** The newest segment's file and where its frames end: for tests that cut a write short. */
    synchronized Path newestSegment() {
        return segments.newest().path;
    }

    synchronized int newestSegmentEnd() {
        return segments.newest().position();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        segments.close();
    }

    // ------------------------------------------------------------------ writes

    /** The entries after the boundary, checked to follow the log without a gap, a committed rewrite or a term going back. */
    private List<Entry> keptEntries(List<Entry> newEntries, LogBoundary nextBoundary, long nextLast) {
        int skip = 0;
        while (skip < newEntries.size() && newEntries.get(skip).index() <= nextBoundary.index()) {
            skip++;
        }
        List<Entry> kept = newEntries.subList(skip, newEntries.size());
        if (kept.isEmpty()) {
            return kept;
        }
        long start = kept.getFirst().index();
        Invariants.check(start <= nextLast + 1, "append at %d leaves a gap after %d", start, nextLast);
        long committed = Math.max(hardState.commit(), nextBoundary.index());
        Invariants.check(start > committed || start > nextLast,
                "append at %d would truncate committed entries (commit=%d)", start, committed);
        long previousTerm = start - 1 == nextBoundary.index() ? nextBoundary.term() : term(start - 1);
        for (int i = 0; i < kept.size(); i++) {
            Entry entry = kept.get(i);
            Invariants.check(entry.index() == start + i, "entries not contiguous: %d at position %d after %d",
                    entry.index(), i, start);
            Invariants.check(entry.term() >= previousTerm, "entry %d has term %d below the previous term %d",
                    entry.index(), entry.term(), previousTerm);
            previousTerm = entry.term();
        }
        return kept;
    }

    private void checkHardState(HardState next, long nextLast) {
        Invariants.check(next.term() >= hardState.term(), "hard state term goes backwards: %d < %d",
                next.term(), hardState.term());
        Invariants.check(next.term() > hardState.term() || hardState.vote() == 0 || next.vote() == hardState.vote(),
                "vote changed within term %d: %d -> %d", next.term(), hardState.vote(), next.vote());
        Invariants.check(next.commit() >= hardState.commit(), "commit goes backwards: %d < %d",
                next.commit(), hardState.commit());
        Invariants.check(next.commit() <= nextLast, "commit %d beyond the last index %d", next.commit(), nextLast);
    }

    /** Writes the batch (see {@link WalSegments#append}); returns the place of its first byte. */
    private long write(boolean sync) {
        try {
            return segments.append(batch, sync, boundary, snapshot, hardState, lastIndex() + 1);
        } catch (StorageFailedException e) {
            failure = e;
            throw e;
        }
    }

    private void deleteCoveredSegments() {
        try {
            segments.deleteCoveredBy(boundary.index());
        } catch (StorageFailedException e) {
            failure = e;
            throw e;
        }
    }

    // ------------------------------------------------------------------ reads

    private Entry entryAt(long index) {
        Entry cached = cache.get(index);
        if (cached != null) {
            return cached;
        }
        long place = locations.place(index);
        WalSegment segment = segments.get(EntryLocations.seqOf(place));
        byte[] value = segment.readValue(EntryLocations.offsetOf(place), WalFrames.Kind.ENTRY);
        try {
            return LogCodec.decodeEntry(index, value);
        } catch (CorruptLogException e) {
            throw new CorruptLogException(e.getMessage() + " in " + segment.path);
        }
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

    private void checkCache() {
        Invariants.check(cache.isEmpty() || (cache.lastIndex() == lastIndex() && cache.firstIndex() > boundary.index()),
                "tail cache [%d, %d] disagrees with the log (%d, %d]", cache.isEmpty() ? 0 : cache.firstIndex(),
                cache.isEmpty() ? 0 : cache.lastIndex(), boundary.index(), lastIndex());
    }

    private void checkOpen() {
        Invariants.check(!closed, "log store %s used after close", directory);
    }

    private void checkWritable() {
        checkOpen();
        if (failure != null) {
            throw new StorageFailedException("the log in " + directory + " refuses writes after an earlier write failed "
                    + "(restart the node to replay it): " + failure.getMessage(), failure);
        }
    }
}
