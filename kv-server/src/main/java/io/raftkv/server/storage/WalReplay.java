package io.raftkv.server.storage;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the log's state by reading every frame of every segment in order, as the saves wrote
 * them: the last hard state, snapshot and boundary win; an entry at or below the last index
 * truncates the log there first (the leader's log won a conflict); a boundary drops the entries it
 * covers; a leader's snapshot drops the entries up to it, or the whole log when the log did not
 * hold it.
 *
 * <p>The oldest remaining segment may start with entries above its boundary record: the segments
 * before it were deleted once a later boundary covered them, and that boundary record comes later
 * in the replay. So a hole below the first entry is allowed while replaying and must be covered by
 * the end; a hole anywhere else, a term that decreases or a boundary that goes backwards refuses the
 * open. A frame whose CRC fails is corruption, except in the newest segment when one of its disk
 * sectors holds only zeros ({@link WalFrames#read}): that is a write the crash cut short, nothing
 * after it was acknowledged (every acknowledged save was synced, and saves are written in order),
 * so the replay ends there and the rest of the file is zeroed.
 */
final class WalReplay {
    private static final Logger LOG = LoggerFactory.getLogger(WalReplay.class);

    HardState hardState = HardState.EMPTY;
    Snapshot snapshot = Snapshot.EMPTY;
    LogBoundary boundary = LogBoundary.EMPTY;
    final EntryLocations locations = new EntryLocations(1);
    /** Where the newest segment's tail is to be zeroed once the replay is accepted; -1 if it is clean. */
    private int zeroFrom = -1;

    private WalReplay() {}

    /**
     * Replays the segments (oldest first); positions the newest one after its last whole frame. Only
     * once the whole log has been found consistent is the newest segment's tail zeroed: a refused
     * open leaves the files as they were, for whoever investigates.
     */
    static WalReplay of(List<WalSegment> segments) {
        WalReplay replay = new WalReplay();
        for (int i = 0; i < segments.size(); i++) {
            WalSegment segment = segments.get(i);
            try {
                replay.readSegment(segment, i == segments.size() - 1);
            } catch (CorruptLogException e) {
                throw new CorruptLogException(e.getMessage() + " (WAL segment " + segment.path + ")");
            }
        }
        replay.finish();
        if (replay.zeroFrom >= 0) {
            segments.getLast().zeroFrom(replay.zeroFrom);
        }
        return replay;
    }

    long lastIndex() {
        return locations.isEmpty() ? boundary.index() : locations.last();
    }

    private void readSegment(WalSegment segment, boolean newest) {
        ByteBuffer bytes = segment.readAll();
        int offset = 0;
        while (true) {
            WalFrames.Frame frame;
            try {
                frame = WalFrames.read(bytes, offset);
            } catch (WalFrames.TornFrameException e) {
                if (!newest) {
                    throw new CorruptLogException("WAL frame at offset " + e.offset + " is corrupt: " + e.getMessage());
                }
                LOG.warn("WAL ends in an interrupted write, dropping it segment={} offset={} reason={}",
                        segment.path, e.offset, e.getMessage());
                zeroFrom = e.offset;
                break;
            }
            if (frame == null) {
                break;
            }
            // Segments after the first are started with their header synced (WalSegments.roll).
            refuseUnless(offset > 0 || segment.seq == 0 || frame.kind() == WalFrames.Kind.BOUNDARY,
                    "segment %d starts with a %s frame instead of its header", segment.seq, frame.kind());
            try {
                apply(frame, segment.seq, offset);
            } catch (CorruptLogException e) {
                throw new CorruptLogException(e.getMessage() + " at offset " + offset);
            }
            offset = frame.next();
        }
        if (segment.seq > 0) {
            refuseUnless(offset > 0, "segment %d holds no header", segment.seq);
        }
        if (newest) {
            if (zeroFrom < 0 && !isZeroFrom(bytes, offset)) {
                // Bytes past the end are what an earlier crash's unsynced write left. Were a later
                // append to end exactly where one of those frames starts, a replay would take it for
                // ours, so they go before anything is appended.
                LOG.warn("WAL holds stale bytes after its last frame, zeroing them segment={} offset={}", segment.path, offset);
                zeroFrom = offset;
            }
            segment.positionAt(offset);
        }
    }

    private static boolean isZeroFrom(ByteBuffer bytes, int offset) {
        for (int i = offset; i < bytes.limit(); i++) {
            if (bytes.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private void apply(WalFrames.Frame frame, long seq, int offset) {
        switch (frame.kind()) {
            case HARD_STATE -> hardState = LogCodec.decodeHardState(frame.value());
            case SNAPSHOT -> snapshot(LogCodec.decodeSnapshot(frame.value()));
            case BOUNDARY -> boundary(LogCodec.decodeBoundary(frame.value()));
            case INSTALL, REPLACE -> {
                Snapshot installed = LogCodec.decodeSnapshot(frame.value());
                snapshot(installed);
                LogBoundary next = new LogBoundary(installed.index(), installed.term(), installed.metadata().confState());
                if (frame.kind() == WalFrames.Kind.INSTALL) {
                    boundary(next);
                } else {
                    refuseUnless(next.index() >= boundary.index(), "replacing snapshot %d goes back from boundary %d",
                            next.index(), boundary.index());
                    boundary = next;
                    locations.reset(next.index() + 1);
                }
            }
            case ENTRY -> {
                Entry entry = LogCodec.decodeEntryValue(frame.value());
                entry(entry.index(), entry.term(), EntryLocations.place(seq, offset));
            }
        }
    }

    private void snapshot(Snapshot next) {
        refuseUnless(next.index() >= snapshot.index(), "snapshot record %d goes back from %d", next.index(), snapshot.index());
        snapshot = next;
    }

    private void boundary(LogBoundary next) {
        refuseUnless(next.index() >= boundary.index(), "boundary record %d goes back from %d", next.index(), boundary.index());
        boundary = next;
        if (locations.isEmpty()) {
            locations.reset(Math.max(locations.nextIndex(), next.index() + 1));
            return;
        }
        if (next.index() < locations.first() - 1) {
            return; // an older boundary above a hole: a later record must cover the hole (checked at the end)
        }
        refuseUnless(!locations.holds(next.index()) || locations.term(next.index()) == next.term(),
                "boundary record %d/%d disagrees with the entry's term %d", next.term(), next.index(),
                locations.holds(next.index()) ? locations.term(next.index()) : 0);
        locations.dropThrough(next.index());
    }

    private void entry(long index, long term, long place) {
        refuseUnless(index > boundary.index(), "entry %d lies at or below the boundary %d", index, boundary.index());
        if (!locations.isEmpty() && index < locations.first()) {
            locations.reset(index); // a rewrite below a hole: the hole only moves down
        } else if (!locations.isEmpty() && index <= locations.last()) {
            locations.truncateFrom(index);
        }
        if (index != locations.nextIndex()) {
            refuseUnless(locations.isEmpty(), "entry %d follows entry %d: entries are missing", index, locations.last());
            locations.reset(index); // the oldest segment starts above its boundary record
        }
        long previousTerm = locations.isEmpty()
                ? (index - 1 == boundary.index() ? boundary.term() : 0)
                : locations.term(index - 1);
        refuseUnless(term >= previousTerm, "entry %d has term %d below the previous term %d", index, term, previousTerm);
        locations.append(index, term, place);
    }

    private void finish() {
        refuseUnless(locations.isEmpty() || locations.first() == boundary.index() + 1,
                "entries (%d, %d) are missing: the log's boundary is %d", boundary.index(), locations.first(), boundary.index());
        if (locations.isEmpty()) {
            locations.reset(boundary.index() + 1);
        }
        long last = lastIndex();
        refuseUnless(snapshot.index() >= boundary.index(), "snapshot record %d is below the log boundary %d",
                snapshot.index(), boundary.index());
        refuseUnless(snapshot.index() <= last, "snapshot record %d is beyond the last index %d", snapshot.index(), last);
        refuseUnless(hardState.commit() <= last, "commit index %d is beyond the last index %d", hardState.commit(), last);
    }

    private static void refuseUnless(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new CorruptLogException("log is inconsistent: " + String.format(format, args));
        }
    }
}
