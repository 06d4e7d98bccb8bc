package io.raftkv.server.storage;

import io.raftkv.raft.HardState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The WAL's sequence of segment files, oldest first: appends go to the newest, which is rolled over
 * to a prepared one when a save does not fit; the oldest go once a boundary covers them. Not
 * thread-safe; owned by its {@link WalLogStore}.
 */
final class WalSegments implements AutoCloseable {
    private final Path directory;
    private final List<WalSegment> segments = new ArrayList<>();
    private final SegmentPreparer preparer;
    private final FrameBatch header = new FrameBatch();

    /** Takes over segments opened by {@link #openAll} (and replayed), and prepares the next one. */
    WalSegments(Path directory, int segmentBytes, List<WalSegment> opened) {
        Invariants.check(!opened.isEmpty(), "a WAL has at least one segment");
        this.directory = directory;
        this.segments.addAll(opened);
        this.preparer = new SegmentPreparer(directory, segmentBytes);
        preparer.prepare(newest().seq + 1);
    }

    /** The directory's segments in sequence order, after removing unused prepared files; creates the first if none. */
    static List<WalSegment> openAll(Path directory, int segmentBytes) {
        List<WalSegment> segments = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            if (Files.exists(directory.resolve("CURRENT"))) {
                throw new StorageFailedException("log directory " + directory + " holds a RocksDB log from an older raftkv; "
                        + "this version keeps the log in WAL segments and cannot read it (start the node on an empty data dir)");
            }
            List<long[]> found = new ArrayList<>();
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.endsWith(WalSegment.PREPARED_SUFFIX)) {
                        Files.delete(file); // zero-filled ahead and never used: holds no frames
                    } else if (WalSegment.parseName(name) != null) {
                        found.add(WalSegment.parseName(name));
                    }
                }
            }
            found.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < found.size(); i++) {
                // A first index may be lower than the one before: a truncation can precede a roll.
                if (found.get(i)[0] != found.get(i - 1)[0] + 1) {
                    throw new CorruptLogException("WAL segments in " + directory + " do not follow each other: "
                            + WalSegment.name(found.get(i - 1)[0], found.get(i - 1)[1]) + " then "
                            + WalSegment.name(found.get(i)[0], found.get(i)[1]));
                }
            }
            if (found.isEmpty()) {
                Path prepared = SegmentPreparer.preparedPath(directory, 0);
                WalSegment.createZeroed(prepared, segmentBytes);
                FileSync.moveAtomically(prepared, directory.resolve(WalSegment.name(0, 1)));
                found.add(new long[] {0, 1});
            }
            for (long[] segment : found) {
                segments.add(WalSegment.open(directory.resolve(WalSegment.name(segment[0], segment[1])), segment[0], segment[1]));
            }
            return segments;
        } catch (IOException e) {
            closeAll(segments);
            throw StorageErrors.of(e, "listing the WAL segments", directory);
        } catch (RuntimeException e) {
            closeAll(segments);
            throw e;
        }
    }

    WalSegment newest() {
        return segments.getLast();
    }

    int count() {
        return segments.size();
    }

    /** The segment with sequence number seq, which must still exist. */
    WalSegment get(long seq) {
        long first = segments.getFirst().seq;
        Invariants.check(seq >= first && seq <= newest().seq, "WAL segment %d is outside the segments [%d, %d]",
                seq, first, newest().seq);
        return segments.get((int) (seq - first));
    }

    /**
     * Writes the batch to the newest segment, synced if asked, first rolling to a new one (which
     * starts with the given state in force before this batch) when it does not fit. Returns the
     * place of the batch's first byte ({@link EntryLocations#place}).
     */
    long append(FrameBatch batch, boolean sync, LogBoundary boundary, Snapshot snapshot, HardState hardState, long nextIndex) {
        WalSegment current = newest();
        if (!current.fits(batch.bytes())) {
            current = roll(batch.bytes(), boundary, snapshot, hardState, nextIndex);
        }
        int offset = current.append(batch.frames());
        if (sync) {
            current.force();
        }
        return EntryLocations.place(current.seq, offset);
    }

    /**
     * Starts the next segment with the state in force now (the save being written is not in it yet).
     * The old segment is synced first: a replay must never find an unsynced hole before synced frames.
     */
    private WalSegment roll(int batchBytes, LogBoundary boundary, Snapshot snapshot, HardState hardState, long nextIndex) {
        WalSegment old = newest();
        old.force();
        header.clear();
        header.add(WalFrames.Kind.BOUNDARY, LogCodec.encodeBoundary(boundary));
        if (!snapshot.isEmpty()) {
            header.add(WalFrames.Kind.SNAPSHOT, LogCodec.encodeSnapshot(snapshot));
        }
        if (!hardState.equals(HardState.EMPTY)) {
            header.add(WalFrames.Kind.HARD_STATE, LogCodec.encodeHardState(hardState));
        }
        long seq = old.seq + 1;
        Path prepared = preparer.take(seq, header.bytes() + batchBytes);
        // The header is synced before the segment takes its name: a segment without it, once the
        // ones before it are deleted, would replay without the term and vote.
        WalSegment.writeHeader(prepared, header.frames());
        Path target = directory.resolve(WalSegment.name(seq, nextIndex));
        FileSync.moveAtomically(prepared, target);
        WalSegment next = WalSegment.open(target, seq, nextIndex);
        segments.add(next);
        next.positionAt(header.bytes());
        preparer.prepare(seq + 1);
        return next;
    }

    /** Deletes the oldest segments while every entry they hold is at or below the boundary's index. */
    void deleteCoveredBy(long boundaryIndex) {
        while (segments.size() > 1 && segments.get(1).firstIndex - 1 <= boundaryIndex) {
            segments.removeFirst().delete();
            // One unlink made durable before the next: an older file must not come back after a
            // newer one went, or the replay finds a hole in the sequence and refuses to open.
            FileSync.syncDirectory(directory);
        }
    }

    @Override
    public void close() {
        try {
            preparer.close();
        } finally {
            closeAll(segments);
        }
    }

    /** Closes every segment even if one fails to close, then reports the first failure. */
    static void closeAll(List<WalSegment> segments) {
        RuntimeException first = null;
        for (WalSegment segment : segments) {
            try {
                segment.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
