package io.raftkv.raft.confchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.confchange.ConfChange.Change;
import io.raftkv.raft.confchange.ConfChange.ChangeType;
import io.raftkv.raft.confchange.ConfChange.Transition;
import io.raftkv.raft.tracker.TrackerConfig;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChangerTest {
    private static final TrackerConfig THREE_VOTERS = TrackerConfig.of(ConfState.ofVoters(1, 2, 3));

    private static TrackerConfig config(Set<Long> voters, Set<Long> learners) {
        return TrackerConfig.of(new ConfState(voters, learners, Set.of(), Set.of(), false));
    }

    private static TrackerConfig applied(TrackerConfig current, ConfChange change) {
        Changer.Result result = Changer.apply(current, change);
        return assertInstanceOf(Changer.Result.Applied.class, result, () -> "expected " + change + " to apply, got " + result)
                .config();
    }

    private static String invalid(TrackerConfig current, ConfChange change) {
        return assertInstanceOf(Changer.Result.Invalid.class, Changer.apply(current, change)).reason();
    }

    private static ConfChange change(Transition transition, Change... changes) {
        return new ConfChange(transition, List.of(changes));
    }

    private static Change voter(long id) {
        return new Change(ChangeType.ADD_VOTER, id);
    }

    private static Change learner(long id) {
        return new Change(ChangeType.ADD_LEARNER, id);
    }

    private static Change remove(long id) {
        return new Change(ChangeType.REMOVE, id);
    }

    static Stream<Arguments> simpleChanges() {
        return Stream.of(
                Arguments.of("add a voter", THREE_VOTERS, voter(4), Set.of(1L, 2L, 3L, 4L), Set.of()),
                Arguments.of("add a learner", THREE_VOTERS, learner(4), Set.of(1L, 2L, 3L), Set.of(4L)),
                Arguments.of("remove a voter", THREE_VOTERS, remove(3), Set.of(1L, 2L), Set.of()),
                Arguments.of("remove a learner", config(Set.of(1L, 2L, 3L), Set.of(4L)), remove(4), Set.of(1L, 2L, 3L), Set.of()),
                Arguments.of("promote a learner", config(Set.of(1L, 2L, 3L), Set.of(4L)), voter(4), Set.of(1L, 2L, 3L, 4L), Set.of()),
                Arguments.of("demote a voter", THREE_VOTERS, learner(3), Set.of(1L, 2L), Set.of(3L)),
                Arguments.of("add an existing voter again", THREE_VOTERS, voter(3), Set.of(1L, 2L, 3L), Set.of()),
                Arguments.of("remove a stranger", THREE_VOTERS, remove(9), Set.of(1L, 2L, 3L), Set.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("simpleChanges")
    void simpleChangesApplyDirectly(String row, TrackerConfig current, Change single, Set<Long> voters, Set<Long> learners) {
        TrackerConfig result = applied(current, change(Transition.AUTO, single));
        assertFalse(result.voters().isJoint());
        assertEquals(voters, result.voters().incoming().voters());
        assertEquals(learners, result.learners());
        assertTrue(result.learnersNext().isEmpty());
        assertFalse(result.autoLeave());
    }

    @Test
    void twoVoterChangesNeverApplyAsASimpleChange() {
        // A change that touches two voters cannot be simple: with the AUTO transition it goes
        // through a joint configuration, so old and new majorities must both agree meanwhile.
        ConfChange twoVoters = change(Transition.AUTO, voter(4), remove(3));
        assertTrue(twoVoters.needsJoint());
        TrackerConfig result = applied(THREE_VOTERS, twoVoters);
        assertTrue(result.voters().isJoint());
        assertEquals(Set.of(1L, 2L, 4L), result.voters().incoming().voters());
        assertEquals(Set.of(1L, 2L, 3L), result.voters().outgoing().voters());
        assertTrue(result.autoLeave());
    }

    static Stream<Arguments> transitions() {
        return Stream.of(
                Arguments.of("auto with several changes leaves by itself", Transition.AUTO, true),
                Arguments.of("implicit joint leaves by itself", Transition.JOINT_IMPLICIT, true),
                Arguments.of("explicit joint waits to be told", Transition.JOINT_EXPLICIT, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transitions")
    void enteringJointKeepsTheOldVotersAsTheOutgoingHalf(String row, Transition transition, boolean autoLeave) {
        TrackerConfig result = applied(THREE_VOTERS, change(transition, voter(4), voter(5)));
        assertEquals(Set.of(1L, 2L, 3L, 4L, 5L), result.voters().incoming().voters());
        assertEquals(Set.of(1L, 2L, 3L), result.voters().outgoing().voters());
        assertEquals(autoLeave, result.autoLeave());
    }

    @Test
    void aSingleChangeWithAJointTransitionStillGoesJoint() {
        TrackerConfig result = applied(THREE_VOTERS, change(Transition.JOINT_EXPLICIT, voter(4)));
        assertTrue(result.voters().isJoint());
        assertFalse(result.autoLeave());
    }

    @Test
    void aVoterDemotedInAJointChangeStaysAnOutgoingVoterUntilLeaving() {
        TrackerConfig joint = applied(THREE_VOTERS, change(Transition.JOINT_EXPLICIT, learner(3), voter(4)));
        assertEquals(Set.of(1L, 2L, 4L), joint.voters().incoming().voters());
        assertEquals(Set.of(1L, 2L, 3L), joint.voters().outgoing().voters());
        assertEquals(Set.of(3L), joint.learnersNext());
        assertTrue(joint.learners().isEmpty(), "a learner may not also be a voter");

        TrackerConfig left = applied(joint, ConfChange.leaveJoint());
        assertFalse(left.voters().isJoint());
        assertEquals(Set.of(1L, 2L, 4L), left.voters().incoming().voters());
        assertEquals(Set.of(3L), left.learners());
        assertTrue(left.learnersNext().isEmpty());
        assertFalse(left.autoLeave());
    }

    @Test
    void aNewLearnerInAJointChangeIsALearnerAtOnce() {
        TrackerConfig joint = applied(THREE_VOTERS, change(Transition.JOINT_IMPLICIT, learner(4), voter(5)));
        assertEquals(Set.of(4L), joint.learners());
        assertTrue(joint.learnersNext().isEmpty());
    }

    @Test
    void leavingJointDropsTheOutgoingHalf() {
        TrackerConfig joint = applied(THREE_VOTERS, change(Transition.AUTO, voter(4), remove(1)));
        TrackerConfig left = applied(joint, ConfChange.leaveJoint());
        assertEquals(Set.of(2L, 3L, 4L), left.voters().ids());
        assertFalse(left.voters().isJoint());
    }

    static Stream<Arguments> invalidChanges() {
        TrackerConfig joint = Changer.apply(THREE_VOTERS, change(Transition.JOINT_EXPLICIT, voter(4), remove(3)))
                instanceof Changer.Result.Applied applied ? applied.config() : null;
        return Stream.of(
                Arguments.of("enter joint twice", joint, change(Transition.JOINT_EXPLICIT, voter(5)), "already joint"),
                Arguments.of("a simple change in a joint configuration", joint, change(Transition.AUTO, voter(5)),
                        "simple change in a joint"),
                Arguments.of("leave when not joint", THREE_VOTERS, ConfChange.leaveJoint(), "not joint"),
                Arguments.of("remove the only voter", TrackerConfig.of(ConfState.ofVoters(1)),
                        change(Transition.AUTO, remove(1)), "all voters"),
                Arguments.of("demote the only voter", TrackerConfig.of(ConfState.ofVoters(1)),
                        change(Transition.AUTO, learner(1)), "all voters"),
                Arguments.of("remove all voters through joint", THREE_VOTERS,
                        change(Transition.AUTO, remove(1), remove(2), remove(3)), "all voters"),
                Arguments.of("enter joint from no voters", TrackerConfig.of(ConfState.EMPTY),
                        change(Transition.JOINT_EXPLICIT, voter(1)), "no voters"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidChanges")
    void invalidChangesAreRefusedWithAReason(String row, TrackerConfig current, ConfChange change, String reason) {
        String actual = invalid(current, change);
        assertTrue(actual.contains(reason), "reason '" + actual + "' should mention '" + reason + "'");
    }

    @Test
    void theConfStateFormAgreesWithTheTrackerFormAndThrowsOnInvalidChanges() {
        ConfState result = Changer.apply(ConfState.ofVoters(1, 2, 3), change(Transition.AUTO, voter(4), learner(3)));
        assertEquals(Set.of(1L, 2L, 4L), result.voters());
        assertEquals(Set.of(1L, 2L, 3L), result.votersOutgoing());
        assertEquals(Set.of(3L), result.learnersNext());
        assertTrue(result.autoLeave());
        assertThrows(IllegalArgumentException.class, () -> Changer.apply(ConfState.ofVoters(1), ConfChange.leaveJoint()));
    }
}
