package io.raftkv.raft.quorum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MajorityConfigTest {
    /** Voters 1..n with the given acknowledged indexes; a null index means "no acknowledgement". */
    static Map<Long, Long> acks(Long... indexes) {
        Map<Long, Long> acked = new HashMap<>();
        for (int i = 0; i < indexes.length; i++) {
            if (indexes[i] != null) {
                acked.put((long) i + 1, indexes[i]);
            }
        }
        return acked;
    }

    static MajorityConfig voters(int count) {
        Set<Long> ids = new TreeSet<>();
        for (long id = 1; id <= count; id++) {
            ids.add(id);
        }
        return MajorityConfig.of(ids);
    }

    static Stream<Arguments> committedIndexes() {
        return Stream.of(
                Arguments.of("no voters commit everything", 0, acks(), Long.MAX_VALUE),
                Arguments.of("one voter commits what it has", 1, acks(7L), 7L),
                Arguments.of("one voter that has not answered", 1, acks(), 0L),
                Arguments.of("two voters need both", 2, acks(9L, 4L), 4L),
                Arguments.of("three voters take the median", 3, acks(9L, 4L, 6L), 6L),
                Arguments.of("three voters, one silent", 3, acks(9L, null, 6L), 6L),
                Arguments.of("three voters, two silent", 3, acks(9L, null, null), 0L),
                Arguments.of("four voters need three", 4, acks(10L, 8L, 6L, 4L), 6L),
                Arguments.of("four voters, two ahead is not enough", 4, acks(10L, 10L, 2L, 2L), 2L),
                Arguments.of("five voters need three", 5, acks(1L, 2L, 3L, 4L, 5L), 3L),
                Arguments.of("six voters need four", 6, acks(6L, 5L, 4L, 3L, 2L, 1L), 3L),
                Arguments.of("seven voters need four", 7, acks(7L, 7L, 7L, 1L, 1L, 1L, 1L), 1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedIndexes")
    void committedIndexIsTheLargestIndexAMajorityHas(String row, int size, Map<Long, Long> acked, long expected) {
        assertEquals(expected, voters(size).committedIndex(acked));
    }

    static Map<Long, Boolean> votes(Boolean... granted) {
        Map<Long, Boolean> votes = new HashMap<>();
        for (int i = 0; i < granted.length; i++) {
            if (granted[i] != null) {
                votes.put((long) i + 1, granted[i]);
            }
        }
        return votes;
    }

    static Stream<Arguments> voteResults() {
        return Stream.of(
                Arguments.of("no voters: won", 0, votes(), VoteResult.WON),
                Arguments.of("one voter granting: won", 1, votes(true), VoteResult.WON),
                Arguments.of("one voter rejecting: lost", 1, votes(false), VoteResult.LOST),
                Arguments.of("three, one granted: pending", 3, votes(true), VoteResult.PENDING),
                Arguments.of("three, two granted: won", 3, votes(true, true), VoteResult.WON),
                Arguments.of("three, two rejected: lost", 3, votes(true, false, false), VoteResult.LOST),
                Arguments.of("three, one each: pending", 3, votes(true, false), VoteResult.PENDING),
                Arguments.of("four, two granted: pending", 4, votes(true, true, null, false), VoteResult.PENDING),
                Arguments.of("four, two rejected: lost", 4, votes(true, true, false, false), VoteResult.LOST),
                Arguments.of("four, three granted: won", 4, votes(true, true, true), VoteResult.WON),
                Arguments.of("five, votes of non-voters ignored", 5, extra(votes(true, true), 9L), VoteResult.PENDING));
    }

    private static Map<Long, Boolean> extra(Map<Long, Boolean> votes, long outsider) {
        votes.put(outsider, true);
        return votes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("voteResults")
    void voteResultIsWonLostOrPendingByMajority(String row, int size, Map<Long, Boolean> votes, VoteResult expected) {
        assertEquals(expected, voters(size).voteResult(votes));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("committedIndexes")
    void committedIndexDoesNotDependOnAckOrder(String row, int size, Map<Long, Long> acked, long expected) {
        // Relabel the voters in reverse: the quorum index must not depend on who holds which index.
        Map<Long, Long> reversed = new HashMap<>();
        acked.forEach((id, index) -> reversed.put(size + 1 - id, index));
        assertEquals(expected, voters(size).committedIndex(reversed), List.of(acked).toString());
    }
}
