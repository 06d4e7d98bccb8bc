package io.raftkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random sequences of what the raft loop does to the log (appends that overwrite a suffix, hard
 * states, compactions that keep some entries, leader snapshots the log does or does not hold) over
 * tiny segments, reopening now and then: after every reopen the replayed log must equal the one
 * that was closed, entry for entry. A failure prints the seed and the command that replays it.
 */
class WalReopenPropertyTest {
    private static final int SEEDS = Integer.getInteger("wal.seeds", 40);
    private static final int STEPS = 400;
    private static final int SEGMENT_BYTES = 4 << 10;
    private static final ConfState THREE = ConfState.ofVoters(1, 2, 3);

    @TempDir
    Path root;

    @Test
    void aReopenedLogEqualsTheLogThatWasClosedForRandomHistories() throws IOException {
        Long only = Long.getLong("wal.seed");
        long first = only != null ? only : 1;
        long last = only != null ? only : SEEDS;
        for (long seed = first; seed <= last; seed++) {
            Path dir = Files.createDirectories(root.resolve("seed-" + seed));
            try {
                runHistory(new Random(seed), dir);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("WAL history seed " + seed + " failed; replay it with: mvn -B -pl kv-server test "
                        + "-Dtest=WalReopenPropertyTest -Dwal.seed=" + seed + " -Dsurefire.failIfNoSpecifiedTests=false: " + e, e);
            }
        }
    }

    private void runHistory(Random random, Path dir) {
        WalLogStore log = WalLogStore.open(dir, random.nextBoolean() ? 0 : 2_000, SEGMENT_BYTES);
        try {
            long term = 1;
            for (int step = 0; step < STEPS; step++) {
                int choice = random.nextInt(100);
                HardState hard = log.hardState();
                if (choice < 60) {
                    if (random.nextInt(10) == 0) {
                        term++;
                    }
                    long low = Math.max(hard.commit() + 1, log.firstIndex());
                    long start = low + random.nextInt((int) (log.lastIndex() + 2 - low));
                    List<Entry> entries = new ArrayList<>();
                    int count = 1 + random.nextInt(8);
                    for (int i = 0; i < count; i++) {
                        byte[] data = new byte[random.nextInt(300)];
                        random.nextBytes(data);
                        entries.add(Entry.normal(start + i, term, data));
                    }
                    long newLast = start + count - 1;
                    long commit = Math.min(newLast, hard.commit() + random.nextInt(count + 1));
                    HardState next = random.nextInt(4) == 0 ? null : new HardState(term, hard.term() == term ? hard.vote() : 0, commit);
                    log.save(next, entries, null, random.nextBoolean());
                } else if (choice < 75) {
                    long from = Math.max(log.snapshot().index(), log.firstIndex() - 1);
                    if (hard.commit() > from) {
                        long index = from + 1 + random.nextInt((int) (hard.commit() - from));
                        log.compact(new SnapshotMetadata(index, log.term(index), THREE), descriptor(index), random.nextInt(12));
                    }
                } else if (choice < 78 && log.lastIndex() > hard.commit()) {
                    // A leader's snapshot at an index where this log holds an older term's uncommitted entry.
                    long index = hard.commit() + 1 + random.nextInt((int) (log.lastIndex() - hard.commit()));
                    term = Math.max(term, log.term(log.lastIndex())) + 1;
                    Snapshot snapshot = new Snapshot(new SnapshotMetadata(index, term, THREE), descriptor(index));
                    log.save(new HardState(term, 0, index), List.of(), snapshot, true);
                } else if (choice < 80) {
                    boolean held = random.nextBoolean() && hard.commit() > log.firstIndex();
                    long index = held ? log.firstIndex() + random.nextInt((int) (hard.commit() - log.firstIndex() + 1))
                            : log.lastIndex() + 1 + random.nextInt(30);
                    index = Math.max(index, log.snapshot().index());
                    long snapshotTerm = index <= log.lastIndex() ? log.term(index) : term;
                    Snapshot snapshot = new Snapshot(new SnapshotMetadata(index, snapshotTerm, THREE), descriptor(index));
                    HardState next = new HardState(term, hard.term() == term ? hard.vote() : 0, Math.max(index, hard.commit()));
                    if (next.commit() <= Math.max(index, log.lastIndex()) && index >= log.snapshot().index()) {
                        log.save(next, List.of(), snapshot, true);
                    }
                } else if (choice < 90) {
                    log.save(new HardState(term, hard.term() == term ? hard.vote() : 0, hard.commit()), List.of(), null, false);
                } else {
                    LogImage before = LogImage.of(log);
                    log.close();
                    log = WalLogStore.open(dir, random.nextBoolean() ? 0 : 2_000, SEGMENT_BYTES);
                    assertEquals(before, LogImage.of(log), "log after a reopen at step " + step);
                }
            }
            LogImage before = LogImage.of(log);
            log.close();
            log = WalLogStore.open(dir, 0, SEGMENT_BYTES);
            assertEquals(before, LogImage.of(log), "log after the final reopen");
        } finally {
            log.close();
        }
    }

    private static byte[] descriptor(long index) {
        return ("cp-" + index).getBytes(StandardCharsets.UTF_8);
    }

    /** Everything a log store answers, in comparable form. */
    private record LogImage(HardState hardState, ConfState confState, long firstIndex, long lastIndex,
                            long boundaryTerm, SnapshotMetadata snapshot, String descriptor, List<Entry> entries) {
        static LogImage of(WalLogStore log) {
            Snapshot snapshot = log.snapshot();
            return new LogImage(log.hardState(), log.confState(), log.firstIndex(), log.lastIndex(),
                    log.term(log.firstIndex() - 1), snapshot.metadata(), new String(snapshot.data(), StandardCharsets.UTF_8),
                    log.entries(log.firstIndex(), log.lastIndex() + 1, Long.MAX_VALUE));
        }
    }
}
