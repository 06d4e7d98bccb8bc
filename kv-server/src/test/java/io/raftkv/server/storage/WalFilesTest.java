package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL as files: segments rolling and going, interrupted writes, damage, and what a replay makes of each. */
class WalFilesTest {
    private static final int SEGMENT_BYTES = 4 << 10;
    private static final long CACHE_BYTES = 1 << 20;
    private static final ConfState THREE = ConfState.ofVoters(1, 2, 3);

    @TempDir
    Path dir;

    @Test
    void entriesSpanningManySegmentsAreReadBackAfterAReopen() {
        try (WalLogStore log = open(0)) {
            for (long index = 1; index <= 600; index += 10) {
                log.save(new HardState(1, 1, index - 1), run(index, index + 9, 1), null, true);
            }
            assertTrue(log.segmentCount() >= 5, "segments: " + log.segmentCount());
        }
        try (WalLogStore log = open(0)) {
            assertEquals(600, log.lastIndex());
            assertEquals(new HardState(1, 1, 590), log.hardState());
            assertEquals(run(1, 600, 1), log.entries(1, 601, Long.MAX_VALUE));
        }
    }

    @Test
    void aCompactionDeletesTheSegmentsItCoversAndTheRestReplaysFromTheNewBoundary() throws IOException {
        int before;
        try (WalLogStore log = open(CACHE_BYTES)) {
            for (long index = 1; index <= 300; index += 10) {
                log.save(new HardState(1, 1, index + 9), run(index, index + 9, 1), null, true);
            }
            before = log.segmentCount();
            log.compact(new SnapshotMetadata(250, 1, THREE), "cp-250".getBytes(StandardCharsets.UTF_8), 20);
            assertTrue(log.segmentCount() < before, log.segmentCount() + " segments, " + before + " before");
            assertEquals(before - log.segmentCount(), before - segmentFiles().size(), "files deleted with the segments");
        }
        try (WalLogStore log = open(0)) {
            assertEquals(231, log.firstIndex());
            assertEquals(300, log.lastIndex());
            assertEquals(1, log.term(230));
            assertEquals(250, log.snapshot().index());
            assertEquals(run(231, 300, 1), log.entries(231, 301, Long.MAX_VALUE));
        }
    }

    @Test
    void theStateInForceWhenASegmentStartsOutlivesTheDeletionOfTheSegmentsBeforeIt() throws IOException {
        try (WalLogStore log = open(0)) {
            log.save(new HardState(4, 2, 700), run(1, 700, 4), null, true); // the only hard state frame
            // Saves without a hard state roll the log over several segments; only their headers restate it.
            for (long index = 701; index <= 900; index += 20) {
                log.save(null, run(index, index + 19, 4), null, true);
            }
            int before = segmentFiles().size();
            log.compact(new SnapshotMetadata(700, 4, THREE), "cp-700".getBytes(StandardCharsets.UTF_8), 0);
            assertTrue(segmentFiles().size() < before, "the segments up to 700 are deleted");
        }
        try (WalLogStore log = open(0)) {
            assertEquals(new HardState(4, 2, 700), log.hardState());
            assertEquals(700, log.snapshot().index());
            assertEquals(701, log.firstIndex());
            assertEquals(run(701, 900, 4), log.entries(701, 901, Long.MAX_VALUE));
        }
    }

    @Test
    void aConflictRewrittenInALaterSegmentWinsAfterAReopen() {
        try (WalLogStore log = open(0)) {
            log.save(new HardState(1, 1, 10), run(1, 60, 1), null, true);
            for (long index = 61; index <= 200; index += 20) {
                log.save(null, run(index, index + 19, 1), null, true);
            }
            log.save(new HardState(2, 2, 10), run(50, 70, 2), null, true);
        }
        try (WalLogStore log = open(0)) {
            assertEquals(70, log.lastIndex());
            assertEquals(1, log.term(49));
            assertEquals(2, log.term(50));
            assertEquals(run(50, 70, 2), log.entries(50, 71, Long.MAX_VALUE));
        }
    }

    @Test
    void aLeaderSnapshotReplacingTheLogLetsTheOldSegmentsGoAndSurvivesAReopen() {
        try (WalLogStore log = open(0)) {
            log.save(new HardState(1, 1, 100), run(1, 200, 1), null, true);
            Snapshot leaders = new Snapshot(new SnapshotMetadata(500, 3, THREE), "cp-500".getBytes(StandardCharsets.UTF_8));
            log.save(new HardState(3, 0, 500), List.of(), leaders, true);
            log.save(null, run(501, 510, 3), null, true);
            assertEquals(1, log.segmentCount());
        }
        try (WalLogStore log = open(0)) {
            assertEquals(501, log.firstIndex());
            assertEquals(510, log.lastIndex());
            assertEquals(3, log.term(500));
            assertEquals(new HardState(3, 0, 500), log.hardState());
        }
    }

    @Test
    void aWriteCutShortAtTheEndIsDroppedAndTheLogGoesOnFromBeforeIt() throws IOException {
        int sector = writeEntryFourOfThreeThousandXs();
        Path segment = segmentFiles().getLast();
        writeAt(segment, sector, new byte[512]); // that sector never reached the disk
        try (WalLogStore log = WalLogStore.open(dir, 0, 64 << 10)) {
            assertEquals(3, log.lastIndex());
            log.save(new HardState(1, 1, 4), run(4, 5, 1), null, true);
        }
        try (WalLogStore log = WalLogStore.open(dir, 0, 64 << 10)) {
            assertEquals(run(1, 5, 1), log.entries(1, 6, Long.MAX_VALUE));
            assertEquals(4, log.hardState().commit());
        }
    }

    @Test
    void aFlippedBitInWrittenDataRefusesTheOpenInsteadOfDroppingTheTail() throws IOException {
        int sector = writeEntryFourOfThreeThousandXs();
        Path segment = segmentFiles().getLast();
        writeAt(segment, sector + 7, new byte[] {'y'});
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> WalLogStore.open(dir, 0, 64 << 10));
        assertTrue(e.getMessage().contains("CRC32C mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(segment.toString()), e.getMessage());
    }

    @Test
    void aDamagedFrameInAnOlderSegmentRefusesTheOpen() throws IOException {
        writeSixHundredEntries();
        assertTrue(segmentFiles().size() >= 2);
        Path oldest = segmentFiles().getFirst();
        writeAt(oldest, 200, new byte[512]);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> open(0));
        assertTrue(e.getMessage().contains(oldest.toString()), e.getMessage());
    }

    @Test
    void bytesLeftAfterTheLastFrameAreZeroedBeforeAnythingIsAppended() throws IOException {
        try (WalLogStore log = WalLogStore.open(dir, 0, 64 << 10)) {
            log.save(new HardState(1, 1, 2), run(1, 3, 1), null, true);
        }
        Path segment = segmentFiles().getLast();
        byte[] bytes = Files.readAllBytes(segment);
        // A whole frame of an earlier life, beyond a zero length: what an unsynced write can leave.
        writeAt(segment, 40_000, Arrays.copyOfRange(bytes, 0, 4_000));
        try (WalLogStore log = WalLogStore.open(dir, 0, 64 << 10)) {
            assertEquals(3, log.lastIndex());
        }
        byte[] after = Files.readAllBytes(segment);
        for (int i = 40_000; i < 44_000; i++) {
            assertEquals(0, after[i], "byte " + i + " was not zeroed");
        }
    }

    @Test
    void aMissingSegmentInTheMiddleRefusesTheOpen() throws IOException {
        writeSixHundredEntries();
        List<Path> files = segmentFiles();
        Files.delete(files.get(files.size() / 2));
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> open(0));
        assertTrue(e.getMessage().contains("do not follow each other"), e.getMessage());
    }

    @Test
    void aMissingOldestSegmentTheBoundaryDoesNotCoverRefusesTheOpen() throws IOException {
        writeSixHundredEntries();
        Files.delete(segmentFiles().getFirst());
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> open(0));
        assertTrue(e.getMessage().contains("are missing"), e.getMessage());
    }

    @Test
    void aSegmentWhoseHeaderIsGoneRefusesTheOpen() throws IOException {
        writeSixHundredEntries();
        writeAt(segmentFiles().get(1), 0, new byte[512]);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> open(0));
        assertTrue(e.getMessage().contains("header"), e.getMessage());
    }

    @Test
    void aPreparedSegmentLeftByACrashIsRemovedOnOpen() throws IOException {
        try (WalLogStore log = open(0)) {
            log.save(new HardState(1, 1, 2), run(1, 3, 1), null, true);
        }
        Path leftover = SegmentPreparer.preparedPath(dir, 7);
        Files.write(leftover, new byte[100]);
        try (WalLogStore log = open(0)) {
            assertEquals(3, log.lastIndex());
            assertTrue(Files.notExists(leftover));
        }
    }

    @Test
    void aLogDirectoryOfTheOldRocksDbFormatIsRefusedWithAClearMessage() throws IOException {
        Files.writeString(dir.resolve("CURRENT"), "MANIFEST-000005\n");
        StorageFailedException e = assertThrows(StorageFailedException.class, () -> open(0));
        assertTrue(e.getMessage().contains("holds a RocksDB log from an older raftkv"), e.getMessage());
    }

    @Test
    void aSaveLargerThanASegmentGetsASegmentOfItsOwn() {
        try (WalLogStore log = open(0)) {
            log.save(new HardState(1, 1, 1), List.of(Entry.normal(1, 1, filled((byte) 'z', 3 * SEGMENT_BYTES))), null, true);
            log.save(null, run(2, 3, 1), null, true);
        }
        try (WalLogStore log = open(0)) {
            assertEquals(3 * SEGMENT_BYTES, log.entries(1, 2, Long.MAX_VALUE).getFirst().data().length);
            assertEquals(run(2, 3, 1), log.entries(2, 4, Long.MAX_VALUE));
        }
    }

    /** Entries 1..3, then entry 4 of 3,000 'x' bytes in a save of its own; returns a sector inside entry 4. */
    private int writeEntryFourOfThreeThousandXs() throws IOException {
        try (WalLogStore log = WalLogStore.open(dir, 0, 64 << 10)) {
            log.save(new HardState(1, 1, 2), run(1, 3, 1), null, true);
            log.save(null, List.of(Entry.normal(4, 1, filled((byte) 'x', 3000))), null, true);
        }
        return firstSectorFilledWith(Files.readAllBytes(segmentFiles().getLast()), (byte) 'x');
    }

    /** Entries 1..600 in saves of ten, each with the hard state: several segments of 4 KiB. */
    private void writeSixHundredEntries() {
        try (WalLogStore log = open(0)) {
            for (long index = 1; index <= 600; index += 10) {
                log.save(new HardState(1, 1, index - 1), run(index, index + 9, 1), null, true);
            }
        }
    }

    private WalLogStore open(long cacheBytes) {
        return WalLogStore.open(dir, cacheBytes, SEGMENT_BYTES);
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(WalSegment.SUFFIX)).sorted().toList();
        }
    }

    private static byte[] filled(byte value, int length) {
        byte[] data = new byte[length];
        Arrays.fill(data, value);
        return data;
    }

    private static int firstSectorFilledWith(byte[] bytes, byte value) {
        for (int sector = 0; sector + 512 <= bytes.length; sector += 512) {
            boolean filled = true;
            for (int i = sector; i < sector + 512 && filled; i++) {
                filled = bytes[i] == value;
            }
            if (filled) {
                return sector;
            }
        }
        throw new AssertionError("no sector filled with " + value);
    }

    private static void writeAt(Path file, long offset, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), offset);
        }
    }
}
