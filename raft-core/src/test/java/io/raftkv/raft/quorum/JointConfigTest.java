package io.raftkv.raft.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JointConfigTest {
    private static JointConfig joint(Set<Long> incoming, Set<Long> outgoing) {
        return new JointConfig(MajorityConfig.of(incoming), MajorityConfig.of(outgoing));
    }

    private static Map<Long, Long> acks(long... idIndexPairs) {
        Map<Long, Long> acked = new HashMap<>();
        for (int i = 0; i < idIndexPairs.length; i += 2) {
            acked.put(idIndexPairs[i], idIndexPairs[i + 1]);
        }
        return acked;
    }

    static Stream<Arguments> committedIndexes() {
        return Stream.of(
                Arguments.of("not joint: the incoming majority alone", Set.of(1L, 2L, 3L), Set.of(),
                        acks(1, 9, 2, 8, 3, 1), 8L),
                Arguments.of("same voters on both sides", Set.of(1L, 2L, 3L), Set.of(1L, 2L, 3L),
                        acks(1, 9, 2, 8, 3, 1), 8L),
                Arguments.of("incoming ahead, outgoing behind: the outgoing half holds it back",
                        Set.of(1L, 2L, 4L), Set.of(1L, 2L, 3L), acks(1, 9, 4, 9, 2, 3, 3, 3), 3L),
                Arguments.of("outgoing ahead, incoming behind: the incoming half holds it back",
                        Set.of(1L, 2L, 4L), Set.of(1L, 2L, 3L), acks(1, 9, 3, 9, 2, 3, 4, 3), 3L),
                Arguments.of("a voter in both halves counts in both", Set.of(1L, 2L, 4L), Set.of(1L, 2L, 3L),
                        acks(1, 9, 2, 7, 3, 5, 4, 5), 7L),
                Arguments.of("disjoint halves of different sizes", Set.of(4L, 5L, 6L, 7L, 8L), Set.of(1L, 2L, 3L),
                        acks(1, 10, 2, 10, 3, 1, 4, 6, 5, 6, 6, 6, 7, 1, 8, 1), 6L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedIndexes")
    void committedIndexNeedsAMajorityOfBothHalves(String row, Set<Long> incoming, Set<Long> outgoing,
                                                   Map<Long, Long> acked, long expected) {
        assertEquals(expected, joint(incoming, outgoing).committedIndex(acked));
    }

    static Stream<Arguments> voteResults() {
        return Stream.of(
                Arguments.of("won in both: won", Map.of(1L, true, 2L, true), VoteResult.WON),
                Arguments.of("won in incoming, pending in outgoing: pending", Map.of(1L, true, 4L, true), VoteResult.PENDING),
                Arguments.of("won in outgoing, pending in incoming: pending", Map.of(1L, true, 3L, true), VoteResult.PENDING),
                Arguments.of("won in incoming, lost in outgoing: lost",
                        Map.of(1L, true, 4L, true, 2L, false, 3L, false), VoteResult.LOST),
                Arguments.of("pending in incoming, lost in outgoing: lost",
                        Map.of(2L, false, 3L, false), VoteResult.LOST),
                Arguments.of("nothing yet: pending", Map.of(), VoteResult.PENDING));
    }

    /** Incoming (1,2,4), outgoing (1,2,3). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("voteResults")
    void voteResultNeedsBothHalvesToWin(String row, Map<Long, Boolean> votes, VoteResult expected) {
        assertEquals(expected, joint(Set.of(1L, 2L, 4L), Set.of(1L, 2L, 3L)).voteResult(votes));
    }

    @Test
    void idsAndMembershipSpanBothHalves() {
        JointConfig config = joint(Set.of(1L, 2L, 4L), Set.of(1L, 2L, 3L));
        assertTrue(config.isJoint());
        assertEquals(Set.of(1L, 2L, 3L, 4L), config.ids());
        assertTrue(config.contains(3));
        assertTrue(config.contains(4));
        assertFalse(config.contains(5));
        assertFalse(joint(Set.of(1L), Set.of()).isJoint());
    }
}
