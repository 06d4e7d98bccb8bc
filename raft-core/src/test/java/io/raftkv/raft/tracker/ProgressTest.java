package io.raftkv.raft.tracker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static Progress progress(ProgressState state, long match, long next) {
        Progress progress = new Progress(next, new Inflights(4, 1000), false);
        progress.maybeUpdate(match);
        switch (state) {
            case PROBE -> { }
            case REPLICATE -> progress.becomeReplicate();
            case SNAPSHOT -> progress.becomeSnapshot(match + 10);
        }
        // becomeReplicate moves next to match + 1; put it where the row wants it.
        if (state == ProgressState.REPLICATE && next > match + 1) {
            progress.sentEntries(next - 1, 1, (int) (next - 1 - match));
        }
        assertEquals(match, progress.match());
        assertEquals(state, progress.state());
        return progress;
    }

    @Test
    void startsInProbeWithNothingMatched() {
        Progress progress = new Progress(11, new Inflights(4, 1000), false);
        assertEquals(ProgressState.PROBE, progress.state());
        assertEquals(0, progress.match());
        assertEquals(11, progress.next());
        assertFalse(progress.isPaused());
    }

    @Test
    void becomeReplicateRestartsFromTheMatch() {
        Progress progress = progress(ProgressState.PROBE, 5, 9);
        progress.becomeReplicate();
        assertEquals(ProgressState.REPLICATE, progress.state());
        assertEquals(6, progress.next());
        assertEquals(0, progress.inflights().count());
    }

    @Test
    void becomeProbeFromReplicateRestartsFromTheMatchAndForgetsInflights() {
        Progress progress = progress(ProgressState.REPLICATE, 5, 9);
        assertEquals(1, progress.inflights().count());
        progress.becomeProbe();
        assertEquals(ProgressState.PROBE, progress.state());
        assertEquals(6, progress.next());
        assertEquals(0, progress.inflights().count());
    }

    @Test
    void becomeProbeAfterASnapshotResumesAfterTheSnapshot() {
        Progress progress = progress(ProgressState.PROBE, 5, 6);
        progress.becomeSnapshot(20);
        assertEquals(20, progress.pendingSnapshot());
        progress.becomeProbe();
        assertEquals(21, progress.next(), "the follower holds at least what the snapshot covered");
        assertEquals(0, progress.pendingSnapshot());
    }

    @Test
    void becomeProbeAfterAFailedSnapshotResumesAfterTheMatch() {
        Progress progress = progress(ProgressState.PROBE, 5, 6);
        progress.becomeSnapshot(20);
        progress.becomeSnapshot(0); // what the leader does when the transport reports a failure
        progress.becomeProbe();
        assertEquals(6, progress.next());
    }

    static Stream<Arguments> updates() {
        return Stream.of(
                Arguments.of("a newer index moves match and next", 5, 6, 8, true, 8, 9),
                Arguments.of("a newer index below next keeps next", 5, 10, 7, true, 7, 10),
                Arguments.of("the same index is stale", 5, 6, 5, false, 5, 6),
                Arguments.of("an older index is stale", 5, 6, 3, false, 5, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("updates")
    void maybeUpdateLearnsOnlyFromNewerAcknowledgements(String row, long match, long next, long acked,
                                                         boolean updated, long matchAfter, long nextAfter) {
        Progress progress = progress(ProgressState.PROBE, match, next);
        assertEquals(updated, progress.maybeUpdate(acked));
        assertEquals(matchAfter, progress.match());
        assertEquals(nextAfter, progress.next());
    }

    static Stream<Arguments> decreases() {
        return Stream.of(
                Arguments.of("replicate: rejection at or below match is stale", ProgressState.REPLICATE, 5, 10, 5, 0, false, 10),
                Arguments.of("replicate: rejection above match restarts at match+1", ProgressState.REPLICATE, 5, 10, 9, 0, true, 6),
                Arguments.of("probe: rejection of an older probe is stale", ProgressState.PROBE, 5, 10, 8, 3, false, 10),
                Arguments.of("probe: the hint moves next down", ProgressState.PROBE, 0, 10, 9, 3, true, 4),
                Arguments.of("probe: a hint above the probe is capped by it", ProgressState.PROBE, 0, 10, 9, 50, true, 9),
                Arguments.of("probe: next never drops to or below match", ProgressState.PROBE, 5, 10, 9, 2, true, 6));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decreases")
    void maybeDecreaseToIgnoresStaleRejections(String row, ProgressState state, long match, long next, long rejected,
                                                long hint, boolean decreased, long nextAfter) {
        Progress progress = progress(state, match, next);
        assertEquals(next, progress.next());
        assertEquals(decreased, progress.maybeDecreaseTo(rejected, hint));
        assertEquals(nextAfter, progress.next());
        assertEquals(match, progress.match());
    }

    @Test
    void probeIsPausedAfterOneAppendUntilAHeartbeatResponse() {
        Progress progress = progress(ProgressState.PROBE, 5, 6);
        assertFalse(progress.isPaused());
        progress.sentEntries(7, 10, 2);
        assertTrue(progress.isPaused());
        assertEquals(6, progress.next(), "probing does not move next optimistically");
        progress.onHeartbeatResponse();
        assertFalse(progress.isPaused());
    }

    @Test
    void probeUnpausesWhenARejectionMovesNext() {
        Progress progress = progress(ProgressState.PROBE, 0, 10);
        progress.sentEntries(10, 1, 1);
        assertTrue(progress.isPaused());
        progress.maybeDecreaseTo(9, 4);
        assertFalse(progress.isPaused());
    }

    @Test
    void replicateIsPausedOnlyWhenTheInflightWindowIsFull() {
        Progress progress = progress(ProgressState.REPLICATE, 5, 6);
        for (long last = 6; last < 10; last++) {
            assertFalse(progress.isPaused(), "after sending up to " + (last - 1));
            progress.sentEntries(last, 1, 1);
            assertEquals(last + 1, progress.next(), "replicate moves next optimistically");
        }
        assertTrue(progress.isPaused());
        progress.maybeUpdate(7);
        progress.inflights().freeLe(7);
        assertFalse(progress.isPaused());
    }

    @Test
    void aHeartbeatResponseFreesOneSlotOfAFullReplicateWindow() {
        // If every append in a full window was lost, no append response would ever free it; the
        // follower's heartbeat response proves it is alive, so one more append may go out.
        Progress progress = progress(ProgressState.REPLICATE, 5, 6);
        for (long last = 6; last < 10; last++) {
            progress.sentEntries(last, 1, 1);
        }
        assertTrue(progress.isPaused());
        progress.onHeartbeatResponse();
        assertFalse(progress.isPaused());
        assertEquals(3, progress.inflights().count());
        progress.onHeartbeatResponse();
        assertEquals(3, progress.inflights().count(), "a window with room is left alone");
    }

    @Test
    void snapshotIsAlwaysPausedAndSendingInItIsAProgrammingError() {
        Progress progress = progress(ProgressState.SNAPSHOT, 5, 6);
        assertTrue(progress.isPaused());
        progress.onHeartbeatResponse();
        assertTrue(progress.isPaused());
        assertThrows(AssertionError.class, () -> progress.sentEntries(7, 1, 1));
    }

    @Test
    void withLearnerKeepsWhatTheLeaderKnows() {
        Progress progress = progress(ProgressState.REPLICATE, 5, 8);
        progress.setRecentActive(true);
        Progress learner = progress.withLearner(true);
        assertTrue(learner.isLearner());
        assertEquals(5, learner.match());
        assertEquals(8, learner.next());
        assertEquals(ProgressState.REPLICATE, learner.state());
        assertTrue(learner.recentActive());
    }

    @Test
    void nextMustBePositive() {
        assertThrows(AssertionError.class, () -> new Progress(0, new Inflights(1, 1), false));
    }
}
