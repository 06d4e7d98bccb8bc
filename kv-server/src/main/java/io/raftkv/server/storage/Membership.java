package io.raftkv.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.api.Member;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.confchange.Changer;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The membership as the state machine records it: raft-core's {@link ConfState} and the address
 * book (one {@link Member} per node of it). Immutable. Invariant: the book holds only nodes of the
 * configuration (either half of a joint one, or a learner), and a member is a learner exactly when
 * it is not a voter of either half; a node being removed keeps its entry until it has left both
 * halves, because the joint quorum still needs to reach it.
 */
record Membership(ConfState confState, SortedMap<Long, Member> members) {
    static final Membership EMPTY = new Membership(ConfState.EMPTY, new TreeMap<>());

    Membership {
        Objects.requireNonNull(confState, "confState");
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
    }

    /** Bootstrap: the initial configuration and the address of every node in it. */
    static Membership initial(ConfState confState, List<Member> members) {
        TreeMap<Long, Member> book = new TreeMap<>();
        for (Member member : members) {
            if (!allIds(confState).contains(member.getId())) {
                throw new IllegalArgumentException("member " + member.getId() + " is not in the initial configuration " + confState);
            }
            book.put(member.getId(), member);
        }
        return new Membership(confState, reconcile(book, confState));
    }

    /**
     * The membership after a committed conf change, computed as raft-core computes it. A change that
     * does not apply, or a malformed member context, means this replica diverged from raft-core
     * (which applies the same entry and crashes on the same conditions): an invariant failure.
     */
    Membership afterConfChange(ConfChange change, long index) {
        ConfState next;
        try {
            next = Changer.apply(confState, change);
        } catch (IllegalArgumentException e) {
            throw new AssertionError("invariant violated: committed conf change at index " + index
                    + " does not apply to " + confState + ": " + e.getMessage(), e);
        }
        TreeMap<Long, Member> book = new TreeMap<>(members);
        if (change.context().length > 0) {
            Member member = parseContext(change, index);
            boolean added = change.changes().stream()
                    .anyMatch(single -> single.nodeId() == member.getId() && single.type() != ConfChange.ChangeType.REMOVE);
            Invariants.check(added, "conf change at index %d carries member %d, which it does not add", index, member.getId());
            book.put(member.getId(), member);
        }
        return new Membership(next, reconcile(book, next));
    }

    /** A member's new addresses (a MemberChange command); its role stays what the configuration says. */
    Membership withMember(Member member) {
        if (!allIds(confState).contains(member.getId())) {
            throw ServerException.of(ErrorCode.MEMBER_NOT_FOUND, "member %d is not in the configuration", member.getId());
        }
        TreeMap<Long, Member> book = new TreeMap<>(members);
        book.put(member.getId(), member);
        return new Membership(confState, reconcile(book, confState));
    }

    List<Member> memberList() {
        return List.copyOf(members.values());
    }

    /** Writes what differs from {@code before} into the batch. */
    void writeChanges(ApplyBatch batch, Membership before) {
        if (!confState.equals(before.confState)) {
            batch.put(StateKeys.CONF_STATE, ConfStateCodec.encode(confState));
        }
        for (long id : before.members.keySet()) {
            if (!members.containsKey(id)) {
                batch.delete(StateKeys.member(id));
            }
        }
        for (Map.Entry<Long, Member> entry : members.entrySet()) {
            if (!entry.getValue().equals(before.members.get(entry.getKey()))) {
                batch.put(StateKeys.member(entry.getKey()), entry.getValue().toByteArray());
            }
        }
    }

    private static Member parseContext(ConfChange change, long index) {
        try {
            return Member.parseFrom(change.context());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("invariant violated: conf change at index " + index
                    + " carries a malformed member context: " + e.getMessage(), e);
        }
    }

    private static TreeMap<Long, Member> reconcile(TreeMap<Long, Member> book, ConfState conf) {
        TreeSet<Long> voters = new TreeSet<>(conf.voters());
        voters.addAll(conf.votersOutgoing());
        TreeSet<Long> all = allIds(conf);
        TreeMap<Long, Member> out = new TreeMap<>();
        for (Member member : book.values()) {
            if (all.contains(member.getId())) {
                out.put(member.getId(), member.toBuilder().setIsLearner(!voters.contains(member.getId())).build());
            }
        }
        return out;
    }

    private static TreeSet<Long> allIds(ConfState conf) {
        TreeSet<Long> all = new TreeSet<>(conf.voters());
        all.addAll(conf.votersOutgoing());
        all.addAll(conf.learners());
        all.addAll(conf.learnersNext());
        return all;
    }
}
