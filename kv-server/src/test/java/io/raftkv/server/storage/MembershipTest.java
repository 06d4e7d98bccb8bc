package io.raftkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.api.Member;
import io.raftkv.proto.command.Command;
import io.raftkv.proto.command.MemberChange;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChangeCodec;
import io.raftkv.server.ErrorCode;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conf changes applied by the state machine, and the address book recorded with them. */
class MembershipTest {
    @TempDir
    Path dir;

    private KvStateMachine machine;
    private long nextIndex = 2;

    @BeforeEach
    void open() {
        machine = KvStateMachine.open(dir.resolve("state"));
        machine.bootstrap(ConfState.ofVoters(1), List.of(member(1, false)));
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void bootstrapRecordsTheInitialMembershipAtIndexOne() {
        assertEquals(1, machine.appliedIndex());
        assertEquals(1, machine.appliedTerm());
        assertEquals(ConfState.ofVoters(1), machine.confState());
        assertEquals(List.of(member(1, false)), machine.members());
    }

    @Test
    void aLearnerIsAddedWithItsAddressesThenPromotedThenRemoved() {
        ApplyResult.ConfChanged added = assertInstanceOf(ApplyResult.ConfChanged.class,
                apply(ConfChange.simple(ConfChange.ChangeType.ADD_LEARNER, 2, member(2, false).toByteArray())));
        assertEquals(Set.of(2L), added.confState().learners());
        assertEquals(List.of(member(1, false), member(2, true)), machine.members(), "is_learner follows the configuration");

        apply(ConfChange.simple(ConfChange.ChangeType.ADD_VOTER, 2));
        assertEquals(ConfState.ofVoters(1, 2), machine.confState());
        assertEquals(List.of(member(1, false), member(2, false)), machine.members(), "promotion keeps the addresses");

        apply(ConfChange.simple(ConfChange.ChangeType.REMOVE, 2));
        assertEquals(ConfState.ofVoters(1), machine.confState());
        assertEquals(List.of(member(1, false)), machine.members());
    }

    @Test
    void membershipSurvivesAReopen() {
        apply(ConfChange.simple(ConfChange.ChangeType.ADD_LEARNER, 3, member(3, false).toByteArray()));
        machine.close();
        machine = KvStateMachine.open(dir.resolve("state"));
        assertEquals(Set.of(3L), machine.confState().learners());
        assertEquals(List.of(member(1, false), member(3, true)), machine.members());
    }

    @Test
    void aNodeLeavingThroughAJointConfigurationKeepsItsAddressUntilTheJointConfigurationIsLeft() {
        apply(ConfChange.simple(ConfChange.ChangeType.ADD_VOTER, 2, member(2, false).toByteArray()));
        apply(new ConfChange(ConfChange.Transition.JOINT_EXPLICIT, List.of(
                new ConfChange.Change(ConfChange.ChangeType.REMOVE, 2),
                new ConfChange.Change(ConfChange.ChangeType.ADD_VOTER, 3)), member(3, false).toByteArray()));
        assertTrue(machine.confState().isJoint());
        assertEquals(List.of(1L, 2L, 3L), machine.members().stream().map(Member::getId).toList(),
                "node 2 still votes in the outgoing half, so peers must still reach it");
        apply(ConfChange.leaveJoint());
        assertFalse(machine.confState().isJoint());
        assertEquals(List.of(1L, 3L), machine.members().stream().map(Member::getId).toList());
    }

    @Test
    void aMemberChangeCommandUpdatesTheAddressesOfAMember() {
        Member moved = member(1, false).toBuilder().setPeerUrl("10.0.0.9:2380").build();
        ApplyResult.Ok ok = assertInstanceOf(ApplyResult.Ok.class, applyCommand(memberChange(moved)));
        assertEquals(moved, ok.response());
        assertEquals(List.of(moved), machine.members());
    }

    @Test
    void aMemberChangeForANodeOutsideTheConfigurationIsRefused() {
        ApplyResult.Error error = assertInstanceOf(ApplyResult.Error.class, applyCommand(memberChange(member(9, false))));
        assertEquals(ErrorCode.MEMBER_NOT_FOUND, error.code());
        assertEquals(List.of(member(1, false)), machine.members());
    }

    @Test
    void aCommittedConfChangeThatDoesNotApplyIsAnInvariantFailure() {
        // raft-core crashes on the same entry: the replicas diverged, nothing can be trusted.
        assertThrows(AssertionError.class, () -> apply(ConfChange.leaveJoint()));
        assertEquals(1, machine.appliedIndex(), "the failed batch was not written");
    }

    private ApplyResult apply(ConfChange change) {
        Entry entry = new Entry(nextIndex++, 1, EntryType.CONF_CHANGE, ConfChangeCodec.encode(change));
        return machine.apply(List.of(entry)).getFirst();
    }

    private ApplyResult applyCommand(Command command) {
        return machine.apply(List.of(TestEntries.command(nextIndex++, command))).getFirst();
    }

    private static Command memberChange(Member member) {
        return Command.newBuilder().setMemberChange(MemberChange.newBuilder().setMember(member)).build();
    }

    static Member member(long id, boolean learner) {
        return Member.newBuilder().setId(id).setName("n" + id).setPeerUrl("10.77.0." + id + ":2380")
                .setClientUrl("10.77.0." + id + ":2379").setIsLearner(learner).build();
    }
}
