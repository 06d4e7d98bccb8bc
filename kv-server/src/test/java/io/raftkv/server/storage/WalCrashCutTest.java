package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A power cut during a save loses some of the sectors it wrote (any of them, as the disk reorders
 * them: a lost sector keeps what it held before) while everything synced before stays. For each kind of save, and for every sector it
 * wrote, the log is reopened once with that sector lost and once with everything from it on lost:
 * it must open, and read as the log before the save plus a part of the save, never anything else.
 */
class WalCrashCutTest {
    private static final int SEGMENT_BYTES = 64 << 10;
    private static final int SECTOR = 512;
    private static final ConfState THREE = ConfState.ofVoters(1, 2, 3);

    @TempDir
    Path root;

    @Test
    void anAppendCutShortReopensAsTheLogBeforeItPlusAPrefix() throws IOException {
        checkEveryCut("append", log -> log.save(new HardState(1, 1, 40), big(1, 50, 1), null, true),
                log -> log.save(new HardState(1, 1, 60), big(51, 80, 1), null, true));
    }

    @Test
    void aConflictingRewriteCutShortNeverLeavesAMixedLogUnexplained() throws IOException {
        checkEveryCut("rewrite", log -> log.save(new HardState(1, 1, 30), big(1, 50, 1), null, true),
                log -> log.save(new HardState(2, 2, 40), big(35, 60, 2), null, true));
    }

    @Test
    void aLeaderSnapshotReplacingTheLogCutShortKeepsEitherLog() throws IOException {
        checkEveryCut("replace", log -> log.save(new HardState(1, 1, 30), big(1, 50, 1), null, true),
                log -> log.save(new HardState(3, 0, 100), big(101, 110, 3), snapshot(100, 3), true));
    }

    @Test
    void aLeaderSnapshotTheLogHoldsCutShortKeepsEitherLog() throws IOException {
        checkEveryCut("install", log -> log.save(new HardState(1, 1, 30), big(1, 50, 1), null, true),
                log -> log.save(new HardState(1, 1, 45), big(51, 60, 1), snapshot(45, 1), true));
    }

    private void checkEveryCut(String name, Consumer<WalLogStore> before, Consumer<WalLogStore> last) throws IOException {
        Path original = Files.createDirectories(root.resolve(name));
        LogImage imageBefore;
        LogImage imageAfter;
        Path segment;
        int start;
        int end;
        try (WalLogStore log = WalLogStore.open(original, 0, SEGMENT_BYTES)) {
            before.accept(log);
            imageBefore = LogImage.of(log);
            segment = log.newestSegment();
            start = log.newestSegmentEnd();
            Files.copy(segment, root.resolve(name + ".before"));
            last.accept(log);
            assertEquals(segment, log.newestSegment(), "the save stays in one segment");
            end = log.newestSegmentEnd();
            imageAfter = LogImage.of(log);
        }
        int cuts = 0;
        for (int sector = start - start % SECTOR; sector < end; sector += SECTOR) {
            for (boolean toTheEnd : new boolean[] {false, true}) {
                Path copy = copyOf(original, root.resolve(name + "-" + sector + "-" + toTheEnd));
                restore(copy.resolve(segment.getFileName()), root.resolve(name + ".before"), sector,
                        toTheEnd ? SEGMENT_BYTES : sector + SECTOR);
                String what = name + ": sector at " + sector + (toTheEnd ? " and all after it" : "") + " lost";
                try (WalLogStore log = WalLogStore.open(copy, 0, SEGMENT_BYTES)) {
                    LogImage reopened = LogImage.of(log);
                    reopened.checkBetween(imageBefore, imageAfter, what);
                    if (sector <= start && toTheEnd) {
                        assertEquals(imageBefore, reopened, what + ": the whole save is lost");
                    }
                }
                cuts++;
            }
        }
        assertTrue(cuts >= 10, name + ": only " + cuts + " cuts");
    }

    private static List<Entry> big(long first, long last, long term) {
        List<Entry> out = new ArrayList<>();
        for (long index = first; index <= last; index++) {
            byte[] data = new byte[300];
            java.util.Arrays.fill(data, (byte) ('a' + index % 26));
            out.add(Entry.normal(index, term, data));
        }
        return out;
    }

    private static Snapshot snapshot(long index, long term) {
        return new Snapshot(new SnapshotMetadata(index, term, THREE), ("cp-" + index).getBytes(StandardCharsets.UTF_8));
    }

    private static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                if (file.getFileName().toString().endsWith(WalSegment.SUFFIX)) {
                    Files.copy(file, to.resolve(file.getFileName()));
                }
            }
        }
        return to;
    }

    /** Puts back the bytes [from, to) as they were before the save: those sectors' writes were lost. */
    private static void restore(Path file, Path before, int from, int to) throws IOException {
        byte[] old = Files.readAllBytes(before);
        int end = Math.min(to, old.length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(old, from, end - from), from);
        }
    }

    /** What the log answers, and the check that a reopened one lies between two images. */
    private record LogImage(HardState hardState, long firstIndex, long lastIndex, long snapshotIndex, List<Entry> entries) {
        static LogImage of(WalLogStore log) {
            return new LogImage(log.hardState(), log.firstIndex(), log.lastIndex(), log.snapshot().index(),
                    log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE));
        }

        Entry entry(long index) {
            return index >= firstIndex && index <= lastIndex ? entries.get((int) (index - firstIndex)) : null;
        }

        void checkBetween(LogImage before, LogImage after, String what) {
            assertTrue(hardState.equals(before.hardState) || hardState.equals(after.hardState), what + ": hard state " + hardState);
            assertTrue(snapshotIndex == before.snapshotIndex || snapshotIndex == after.snapshotIndex, what + ": snapshot " + snapshotIndex);
            assertTrue(firstIndex == before.firstIndex || firstIndex == after.firstIndex, what + ": first index " + firstIndex);
            assertTrue(hardState.commit() <= lastIndex, what + ": commit " + hardState.commit() + " beyond " + lastIndex);
            for (long index = firstIndex; index <= lastIndex; index++) {
                Entry entry = entry(index);
                assertTrue(entry.equals(before.entry(index)) || entry.equals(after.entry(index)),
                        what + ": entry " + index + " is in neither log");
            }
            // Whatever the save did not overwrite is still there.
            long kept = firstIndex == before.firstIndex ? Math.min(before.lastIndex, firstChanged(before, after) - 1) : firstIndex - 1;
            assertTrue(lastIndex >= kept, what + ": last index " + lastIndex + " lost entries up to " + kept);
        }

        private static long firstChanged(LogImage before, LogImage after) {
            for (long index = before.firstIndex; index <= before.lastIndex; index++) {
                if (!before.entry(index).equals(after.entry(index))) {
                    return index;
                }
            }
            return before.lastIndex + 1;
        }
    }
}
