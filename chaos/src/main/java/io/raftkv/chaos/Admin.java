package io.raftkv.chaos;

import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.Member;
import io.raftkv.proto.api.MemberAddRequest;
import io.raftkv.proto.api.MemberListRequest;
import io.raftkv.proto.api.MemberPromoteRequest;
import io.raftkv.proto.api.MemberRemoveRequest;
import io.raftkv.proto.api.TransferLeaderRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * Cluster administration for the nemesis and the final heal: membership changes and leader
 * transfer, each sent to the leader and retried (bounded) through elections and redirects. A
 * membership change whose answer was lost may still have been applied, and its retry is then
 * refused (the member already exists, or is gone); so after each failure the member list is asked
 * whether the change is in place, and if it is, the change succeeded. Thread-safe.
 */
final class Admin {
    private static final Duration CALL_DEADLINE = Duration.ofSeconds(3);

    private final ClusterClient client;
    private final LeaderWatch leaders;

    Admin(ClusterClient client, LeaderWatch leaders) {
        this.client = client;
        this.leaders = leaders;
    }

    List<Member> members(Duration timeout) throws InterruptedException {
        return onLeader(this::memberList, timeout, null);
    }

    void remove(long memberId, Duration timeout) throws InterruptedException {
        onLeader(slot -> client.cluster(slot, CALL_DEADLINE)
                        .memberRemove(MemberRemoveRequest.newBuilder().setId(memberId).build()), timeout,
                members -> members.stream().noneMatch(member -> member.getId() == memberId));
    }

    /** Adds {@code slot}'s address as learner {@code memberId}. */
    void addLearner(long memberId, int slot, Duration timeout) throws InterruptedException {
        MemberAddRequest request = MemberAddRequest.newBuilder().setId(memberId).setName("node-" + memberId)
                .setPeerUrl(Topology.peerAddress(slot)).setClientUrl(Topology.clientAddress(slot)).build();
        onLeader(leader -> client.cluster(leader, CALL_DEADLINE).memberAdd(request), timeout,
                members -> members.stream().anyMatch(member -> member.getId() == memberId));
    }

    /** Promotes the learner, retrying while it catches up (the server refuses until it has). */
    void promote(long memberId, Duration timeout) throws InterruptedException {
        onLeader(slot -> client.cluster(slot, CALL_DEADLINE)
                        .memberPromote(MemberPromoteRequest.newBuilder().setId(memberId).build()), timeout,
                members -> members.stream().anyMatch(member -> member.getId() == memberId && !member.getIsLearner()));
    }

    void transferLeadership(int leaderSlot, long targetId) {
        client.maintenance(leaderSlot, Duration.ofSeconds(5))
                .transferLeader(TransferLeaderRequest.newBuilder().setTargetId(targetId).build());
    }

    private List<Member> memberList(int slot) {
        return client.cluster(slot, CALL_DEADLINE).memberList(MemberListRequest.getDefaultInstance()).getMembersList();
    }

    /**
     * Runs {@code call} against the current leader until it succeeds, {@code done} says the change
     * is in place anyway, or {@code timeout} passes (then rethrows the last failure).
     *
     * @param done null when the call changes nothing (nothing to ask afterwards)
     */
    private <R> R onLeader(IntFunction<R> call, Duration timeout, Predicate<List<Member>> done)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int slot = leaders.leaderSlot();
        StatusRuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (slot == 0) {
                slot = leaders.awaitLeader(Duration.ofMillis(500));
                if (slot == 0) {
                    continue;
                }
            }
            try {
                return call.apply(slot);
            } catch (StatusRuntimeException e) {
                last = e;
                client.noteFailure(slot, e);
                if (done != null && inPlace(slot, done)) {
                    return null;
                }
                int redirect = ClusterClient.redirectSlot(e);
                slot = redirect != 0 ? redirect : leaders.leaderSlot();
                Thread.sleep(200);
            }
        }
        if (last != null) {
            throw last;
        }
        throw new ChaosException("no leader within " + timeout.toSeconds() + " s");
    }

    private boolean inPlace(int slot, Predicate<List<Member>> done) {
        try {
            return done.test(memberList(slot));
        } catch (StatusRuntimeException e) {
            return false; // unknown: retry the change
        }
    }
}
