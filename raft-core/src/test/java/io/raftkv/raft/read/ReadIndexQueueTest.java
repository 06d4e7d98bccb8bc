package io.raftkv.raft.read;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.quorum.JointConfig;
import io.raftkv.raft.quorum.MajorityConfig;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadIndexQueueTest {
    private static final long SELF = 1;
    private static final JointConfig THREE = new JointConfig(MajorityConfig.of(Set.of(1L, 2L, 3L)), MajorityConfig.EMPTY);
    private static final JointConfig FIVE = new JointConfig(MajorityConfig.of(Set.of(1L, 2L, 3L, 4L, 5L)), MajorityConfig.EMPTY);

    private static List<Long> contexts(List<ReadIndexQueue.PendingRead> reads) {
        return reads.stream().map(ReadIndexQueue.PendingRead::context).toList();
    }

    @Test
    void aReadIsReleasedOnceAQuorumAnsweredItsRound() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.add(1, SELF, 100, 12);
        List<ReadIndexQueue.PendingRead> released = queue.acknowledge(2, 1, SELF, THREE);
        assertEquals(List.of(new ReadIndexQueue.PendingRead(1, SELF, 100, 12)), released);
        assertEquals(0, queue.size());
    }

    @Test
    void aMinorityOfAnswersReleasesNothing() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.add(1, SELF, 100, 12);
        assertTrue(queue.acknowledge(2, 1, SELF, FIVE).isEmpty(), "self and 2 are two of five");
        assertEquals(List.of(100L), contexts(queue.acknowledge(3, 1, SELF, FIVE)));
    }

    @Test
    void anAnswerToALaterRoundConfirmsEveryEarlierRound() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.add(1, SELF, 100, 12);
        queue.add(2, 7, 200, 13);
        queue.add(3, SELF, 300, 13);
        assertEquals(List.of(100L, 200L), contexts(queue.acknowledge(2, 2, SELF, THREE)));
        assertEquals(1, queue.size());
        assertEquals(3, queue.latestRound());
    }

    @Test
    void anAnswerToAnEarlierRoundDoesNotConfirmALaterOne() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.add(1, SELF, 100, 12);
        queue.add(2, SELF, 200, 12);
        assertEquals(List.of(100L), contexts(queue.acknowledge(2, 1, SELF, THREE)));
        assertTrue(queue.acknowledge(3, 1, SELF, THREE).isEmpty(), "round 2 was registered after round 1's answers");
        assertEquals(List.of(200L), contexts(queue.acknowledge(3, 2, SELF, THREE)));
    }

    @Test
    void earlierAnswersAreRememberedPerFollower() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.acknowledge(2, 5, SELF, FIVE); // node 2 answered round 5 before anything was pending
        queue.add(6, SELF, 600, 20);
        assertTrue(queue.acknowledge(3, 6, SELF, FIVE).isEmpty(), "self, 3: two of five; node 2's round 5 is too old");
        assertEquals(List.of(600L), contexts(queue.acknowledge(4, 6, SELF, FIVE)));
    }

    @Test
    void roundsMustIncrease() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.add(3, SELF, 1, 1);
        assertThrows(AssertionError.class, () -> queue.add(3, SELF, 2, 1));
    }

    @Test
    void readsWaitingForTheFirstCommitAreDrainedOnceInOrder() {
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.waitForCommit(SELF, 1);
        queue.waitForCommit(5, 2);
        assertEquals(2, queue.size());
        assertEquals(0, queue.latestRound(), "waiting reads start no heartbeat round");
        assertEquals(List.of(1L, 2L), contexts(queue.drainWaitingForCommit()));
        assertTrue(queue.drainWaitingForCommit().isEmpty());
        assertEquals(0, queue.size());
    }

    @Test
    void theCapacityBoundsConfirmingAndWaitingReadsTogether() {
        ReadIndexQueue queue = new ReadIndexQueue(2);
        queue.add(1, SELF, 1, 1);
        assertFalse(queue.full());
        queue.waitForCommit(SELF, 2);
        assertTrue(queue.full());
        assertThrows(AssertionError.class, () -> queue.waitForCommit(SELF, 3));
    }

    @Test
    void jointConfigurationsNeedBothHalvesToConfirm() {
        JointConfig joint = new JointConfig(MajorityConfig.of(Set.of(1L, 2L, 4L)), MajorityConfig.of(Set.of(1L, 2L, 3L)));
        ReadIndexQueue queue = new ReadIndexQueue(10);
        queue.add(1, SELF, 100, 12);
        assertTrue(queue.acknowledge(4, 1, SELF, joint).isEmpty(), "a majority of the incoming half only");
        assertEquals(List.of(100L), contexts(queue.acknowledge(3, 1, SELF, joint)));
    }
}
