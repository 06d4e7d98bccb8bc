package io.raftkv.raft;

import static io.raftkv.raft.PaperPeer.only;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Message.AppendEntries;
import io.raftkv.raft.Message.AppendResponse;
import io.raftkv.raft.Message.Heartbeat;
import io.raftkv.raft.Message.RequestVote;
import io.raftkv.raft.Message.VoteResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One test per claim of the Raft paper (Ongaro and Ousterhout, "In Search of an Understandable
 * Consensus Algorithm", 2014), each quoting its section, in the manner of etcd's raft_paper_test.go.
 * Nodes run classic Raft (no pre-vote, no check-quorum) and are driven one message at a time.
 */
class RaftPaperTest {
    private static final Set<Long> THREE = Set.of(1L, 2L, 3L);

    private static Set<Long> voters(int count) {
        return LongStream.rangeClosed(1, count).boxed().collect(java.util.stream.Collectors.toSet());
    }

    private static Entry entry(long index, long term) {
        return Entry.normal(index, term, ("e" + index).getBytes());
    }

    private static List<Entry> entries(long index, long... terms) {
        List<Entry> entries = new ArrayList<>();
        for (long term : terms) {
            entries.add(entry(index++, term));
        }
        return entries;
    }

    /** Ticks until the node's role changes; returns the number of ticks (at most {@code limit}). */
    private static int tickUntilRoleChanges(PaperPeer peer, int limit) {
        StateRole before = peer.status().role();
        for (int ticks = 1; ticks <= limit; ticks++) {
            peer.node.tick();
            if (peer.status().role() != before) {
                return ticks;
            }
        }
        return limit + 1;
    }

    /** §5.2: "When servers start up, they begin as followers." */
    @Test
    void serversStartAsFollowers() {
        PaperPeer peer = PaperPeer.of(1, THREE, 1);
        assertEquals(StateRole.FOLLOWER, peer.status().role());
        assertEquals(0, peer.status().leader());
    }

    /**
     * §5.1: "Current terms are exchanged whenever servers communicate; if one server's current term
     * is smaller than the other's, then it updates its current term to the larger value."
     */
    @Test
    void followerUpdatesTermFromMessage() {
        PaperPeer follower = PaperPeer.of(2, THREE, 1);
        follower.receive(new AppendEntries(1, 2, 5, 1, 1, List.of(), 1));
        assertEquals(5, follower.status().term());
        assertEquals(StateRole.FOLLOWER, follower.status().role());
        assertEquals(1, follower.status().leader());
        assertEquals(5, follower.storage.hardState().term(), "the new term is persisted");
    }

    /**
     * §5.1: "If a candidate or leader discovers that its term is out of date, it immediately reverts
     * to follower state."
     */
    @ParameterizedTest
    @EnumSource(value = StateRole.class, names = {"CANDIDATE", "LEADER"})
    void candidateAndLeaderFallBackToFollowerOnHigherTerm(StateRole role) {
        PaperPeer peer = PaperPeer.of(1, THREE, 1);
        if (role == StateRole.LEADER) {
            peer.electWithVotesFrom(2);
        } else {
            peer.node.campaign();
            peer.ready();
        }
        assertEquals(role, peer.status().role());
        peer.receive(new AppendEntries(3, 1, 7, 1, 1, List.of(), 1));
        assertEquals(StateRole.FOLLOWER, peer.status().role());
        assertEquals(7, peer.status().term());
        assertEquals(3, peer.status().leader());
    }

    /** §5.1: "If a server receives a request with a stale term number, it rejects the request." */
    @Test
    void staleTermRequestsAreRejected() {
        PaperPeer follower = PaperPeer.of(2, THREE, 3, 1, 1);
        List<Message> sent = follower.receive(new AppendEntries(1, 2, 2, 3, 1, entries(4, 2), 1),
                new RequestVote(1, 2, 2, 10, 2, false, false));
        assertEquals(List.of(1L, 1L), follower.logTerms(), "the stale append changed nothing");
        assertEquals(3, follower.status().term());
        assertEquals(0, follower.status().vote(), "no vote for a stale candidate");
        // Without pre-vote and check-quorum a stale request is dropped unanswered, as in etcd: the
        // sender learns the newer term from the next message it gets from anyone.
        assertEquals(List.of(), sent);
    }

    /**
     * §5.2: "Leaders send periodic heartbeats (AppendEntries RPCs that carry no log entries) to all
     * followers in order to maintain their authority."
     */
    @Test
    void leaderSendsHeartbeatsToAllFollowers() {
        PaperPeer leader = PaperPeer.of(1, THREE, 1);
        leader.electWithVotesFrom(2);
        int heartbeatTicks = Config.defaults(1, 1).heartbeatTicks();
        for (int i = 0; i < heartbeatTicks; i++) {
            leader.node.tick();
        }
        List<Heartbeat> heartbeats = only(Heartbeat.class, leader.ready());
        assertEquals(Set.of(2L, 3L), heartbeats.stream().map(Heartbeat::to).collect(java.util.stream.Collectors.toSet()));
        heartbeats.forEach(h -> assertEquals(leader.status().term(), h.term()));
    }

    /**
     * §5.2: "If a follower receives no communication over a period of time called the election
     * timeout, then it assumes there is no viable leader and begins an election to choose a new
     * leader. To begin an election, a follower increments its current term and transitions to
     * candidate state. It then votes for itself and issues RequestVote RPCs in parallel to each of
     * the other servers in the cluster."
     */
    @Test
    void followerStartsElectionAfterElectionTimeout() {
        PaperPeer follower = PaperPeer.of(1, THREE, 4, 1, 4);
        int ticks = tickUntilRoleChanges(follower, 20);
        assertTrue(ticks >= 10 && ticks < 20, "campaigned after " + ticks + " ticks");
        assertEquals(StateRole.CANDIDATE, follower.status().role());
        assertEquals(5, follower.status().term());
        assertEquals(1, follower.status().vote());
        List<RequestVote> requests = only(RequestVote.class, follower.ready());
        assertEquals(List.of(2L, 3L), requests.stream().map(RequestVote::to).sorted().toList());
        for (RequestVote request : requests) {
            assertEquals(5, request.term());
            assertEquals(3, request.lastLogIndex());
            assertEquals(4, request.lastLogTerm());
            assertFalse(request.preVote());
        }
        assertEquals(new HardState(5, 1, 1), follower.storage.hardState(), "term and vote are durable before the requests");
    }

    /**
     * §5.2: "each candidate will time out and start a new election by incrementing its term and
     * initiating another round of RequestVote RPCs."
     */
    @Test
    void candidateStartsNewElectionAfterTimeout() {
        PaperPeer candidate = PaperPeer.of(1, THREE, 1);
        candidate.node.campaign();
        candidate.ready();
        assertEquals(2, candidate.status().term());
        for (int i = 0; i < 20 && candidate.status().term() == 2; i++) {
            candidate.node.tick();
        }
        assertEquals(3, candidate.status().term());
        assertEquals(StateRole.CANDIDATE, candidate.status().role());
        assertEquals(2, only(RequestVote.class, candidate.ready()).size());
    }

    static Stream<Arguments> elections() {
        return Stream.of(
                Arguments.of("a single voter wins alone", 1, List.of(), List.of(), StateRole.LEADER),
                Arguments.of("3 voters, one grant wins", 3, List.of(2L), List.of(), StateRole.LEADER),
                Arguments.of("3 voters, no answers stays candidate", 3, List.of(), List.of(), StateRole.CANDIDATE),
                Arguments.of("3 voters, two rejections lose", 3, List.of(), List.of(2L, 3L), StateRole.FOLLOWER),
                Arguments.of("4 voters, one grant is two of four", 4, List.of(2L), List.of(), StateRole.CANDIDATE),
                Arguments.of("4 voters, two grants win", 4, List.of(2L, 3L), List.of(4L), StateRole.LEADER),
                Arguments.of("5 voters, two grants win", 5, List.of(2L, 5L), List.of(3L), StateRole.LEADER),
                Arguments.of("5 voters, one grant and one rejection pend", 5, List.of(2L), List.of(3L), StateRole.CANDIDATE),
                Arguments.of("5 voters, three rejections lose", 5, List.of(2L), List.of(3L, 4L, 5L), StateRole.FOLLOWER));
    }

    /**
     * §5.2: "A candidate wins an election if it receives votes from a majority of the servers in
     * the full cluster for the same term." ... "If the election timeout elapses without a winner,
     * the candidate remains a candidate until it starts a new election."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("elections")
    void candidateWinsWithVotesFromAMajority(String row, int size, List<Long> grants, List<Long> rejections,
                                             StateRole expected) {
        PaperPeer candidate = PaperPeer.of(1, voters(size), 1);
        candidate.node.campaign();
        candidate.ready();
        for (long voter : grants) {
            candidate.receive(new VoteResponse(voter, 1, 2, false, false));
        }
        for (long voter : rejections) {
            candidate.receive(new VoteResponse(voter, 1, 2, false, true));
        }
        assertEquals(expected, candidate.status().role());
    }

    static Stream<Arguments> votes() {
        return Stream.of(
                Arguments.of("not yet voted: grants", 0L, 3L, true),
                Arguments.of("voted for this candidate: grants again", 3L, 3L, true),
                Arguments.of("voted for another: rejects", 2L, 3L, false));
    }

    /**
     * §5.2: "Each server will vote for at most one candidate in a given term, on a
     * first-come-first-served basis."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("votes")
    void voterGrantsAtMostOneVotePerTerm(String row, long votedFor, long candidate, boolean granted) {
        PaperPeer voter = PaperPeer.of(1, THREE, 1);
        if (votedFor != 0) {
            voter.receive(new RequestVote(votedFor, 1, 2, 1, 1, false, false));
        }
        List<VoteResponse> answers = only(VoteResponse.class, voter.receive(new RequestVote(candidate, 1, 2, 1, 1, false, false)));
        assertEquals(1, answers.size());
        assertEquals(!granted, answers.getFirst().reject());
        assertEquals(votedFor == 0 ? candidate : votedFor, voter.status().vote());
    }

    /**
     * §5.2: "While waiting for votes, a candidate may receive an AppendEntries RPC from another
     * server claiming to be leader. If the leader's term (included in its RPC) is at least as large
     * as the candidate's current term, then the candidate recognizes the leader as legitimate and
     * returns to follower state."
     */
    @ParameterizedTest(name = "leader term = candidate term + {0}")
    @org.junit.jupiter.params.provider.ValueSource(longs = {0, 1})
    void candidateFallsBackToFollowerWhenALeaderAppears(long termsAhead) {
        PaperPeer candidate = PaperPeer.of(1, THREE, 1);
        candidate.node.campaign();
        candidate.ready();
        long term = candidate.status().term() + termsAhead;
        candidate.receive(new AppendEntries(2, 1, term, 1, 1, List.of(), 1));
        assertEquals(StateRole.FOLLOWER, candidate.status().role());
        assertEquals(term, candidate.status().term());
        assertEquals(2, candidate.status().leader());
    }

    /**
     * §5.2: "Raft uses randomized election timeouts to ensure that split votes are rare ... election
     * timeouts are chosen randomly from a fixed interval." Ours is [electionTicks, 2*electionTicks),
     * drawn from the node's seed.
     */
    @Test
    void electionTimeoutsAreRandomizedWithinOneToTwoTimeouts() {
        Set<Integer> timeouts = new HashSet<>();
        for (long seed = 1; seed <= 100; seed++) {
            PaperPeer peer = PaperPeer.of(1, THREE, Config.defaults(1, seed).withElectionSafety(false, false), 1);
            int ticks = tickUntilRoleChanges(peer, 20);
            assertTrue(ticks >= 10 && ticks < 20, "seed " + seed + " campaigned after " + ticks + " ticks");
            timeouts.add(ticks);
        }
        assertTrue(timeouts.size() >= 5, "only " + timeouts + " distinct timeouts over 100 seeds");
    }

    /** The same seed gives the same timeout: a failing run can be replayed. */
    @Test
    void electionTimeoutsAreDeterministicPerSeed() {
        for (long seed = 1; seed <= 10; seed++) {
            Config config = Config.defaults(1, seed).withElectionSafety(false, false);
            assertEquals(tickUntilRoleChanges(PaperPeer.of(1, THREE, config, 1), 20),
                    tickUntilRoleChanges(PaperPeer.of(1, THREE, config, 1), 20), "seed " + seed);
        }
    }

    /**
     * §5.3: "The leader appends the command to its log as a new entry, then issues AppendEntries
     * RPCs in parallel to each of the other servers to replicate the entry."
     */
    @Test
    void leaderAppendsProposalAndReplicatesIt() {
        PaperPeer leader = PaperPeer.of(1, THREE, 1);
        leader.electWithVotesFrom(2);
        long term = leader.status().term();
        for (long follower : List.of(2L, 3L)) {
            leader.receive(AppendResponse.accept(follower, 1, term, 2));
        }
        ProposeResult result = leader.node.propose("x".getBytes());
        assertEquals(new ProposeResult.Accepted(3, term), result);
        List<AppendEntries> appends = only(AppendEntries.class, leader.ready());
        assertEquals(List.of(2L, 3L), appends.stream().map(AppendEntries::to).toList());
        for (AppendEntries append : appends) {
            assertEquals(2, append.prevLogIndex());
            assertEquals(term, append.prevLogTerm());
            assertEquals(List.of(Entry.normal(3, term, "x".getBytes())), append.entries());
        }
        assertEquals(3, leader.storage.lastIndex(), "the leader's own copy is persisted");
    }

    /**
     * §5.3: "A log entry is committed once the leader that created the entry has replicated it on a
     * majority of the servers ... The leader keeps track of the highest index it knows to be
     * committed, and it includes that index in future AppendEntries RPCs."
     */
    @Test
    void leaderCommitsEntryOnceAMajorityStoresIt() {
        PaperPeer leader = PaperPeer.of(1, voters(5), 1);
        leader.electWithVotesFrom(2, 3);
        long term = leader.status().term();
        leader.receive(AppendResponse.accept(2, 1, term, 2));
        assertEquals(1, leader.status().commit(), "two of five");
        List<Message> sent = leader.receive(AppendResponse.accept(3, 1, term, 2));
        assertEquals(2, leader.status().commit(), "three of five");
        assertEquals(List.of(entry(2, term).index()), leader.applied.stream().map(Entry::index).toList());
        assertTrue(only(AppendEntries.class, sent).stream().allMatch(a -> a.commit() == 2), "the new commit index goes out");
    }

    /**
     * §5.3: "This also commits all preceding entries in the leader's log, including entries created
     * by previous leaders."
     */
    @Test
    void committingAnEntryCommitsThePrecedingOnes() {
        PaperPeer leader = PaperPeer.of(1, THREE, 3, 1, 2, 3);
        leader.electWithVotesFrom(2);
        leader.receive(AppendResponse.accept(2, 1, 4, 5));
        assertEquals(5, leader.status().commit());
        assertEquals(List.of(2L, 3L, 4L, 5L), leader.applied.stream().map(Entry::index).toList());
    }

    /**
     * §5.3: "Once a follower learns that a log entry is committed, it applies the entry to its local
     * state machine (in log order)."
     */
    @Test
    void followerAppliesEntriesTheLeaderHasCommitted() {
        PaperPeer follower = PaperPeer.of(2, THREE, 1);
        follower.receive(new AppendEntries(1, 2, 2, 1, 1, entries(2, 2, 2, 2), 3));
        assertEquals(List.of(2L, 3L), follower.applied.stream().map(Entry::index).toList());
        follower.receive(new AppendEntries(1, 2, 2, 4, 2, List.of(), 4));
        assertEquals(List.of(2L, 3L, 4L), follower.applied.stream().map(Entry::index).toList());
    }

    static Stream<Arguments> consistencyChecks() {
        return Stream.of(
                Arguments.of("matches the last entry", 4L, 2L, false),
                Arguments.of("matches an earlier entry", 3L, 1L, false),
                Arguments.of("matches the snapshot", 1L, 1L, false),
                Arguments.of("same index, other term", 4L, 1L, true),
                Arguments.of("an index we do not have", 5L, 2L, true));
    }

    /**
     * §5.3: "When sending an AppendEntries RPC, the leader includes the index and term of the entry
     * in its log that immediately precedes the new entries. If the follower does not find an entry
     * in its log with the same index and term, then it refuses the new entries."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("consistencyChecks")
    void followerRefusesAppendsWhosePrecedingEntryItLacks(String row, long prevIndex, long prevTerm, boolean rejected) {
        PaperPeer follower = PaperPeer.of(2, THREE, 2, 1, 1, 2);
        List<AppendResponse> answers = only(AppendResponse.class,
                follower.receive(new AppendEntries(1, 2, 2, prevIndex, prevTerm, List.of(), 1)));
        assertEquals(1, answers.size());
        assertEquals(rejected, answers.getFirst().reject());
        assertEquals(List.of(1L, 1L, 2L), follower.logTerms());
    }

    static Stream<Arguments> followerAppends() {
        return Stream.of(
                Arguments.of("a conflict deletes it and all that follow", 3L, 1L, entries(4, 3, 3), List.of(1L, 1L, 3L, 3L)),
                Arguments.of("new entries after the last are appended", 5L, 2L, entries(6, 3), List.of(1L, 1L, 2L, 2L, 3L)),
                Arguments.of("entries already held are kept", 2L, 1L, entries(3, 1, 2), List.of(1L, 1L, 2L, 2L)),
                Arguments.of("a conflict at the first new entry", 1L, 1L, entries(2, 3), List.of(3L)));
    }

    /**
     * §5.3: "If an existing entry conflicts with a new one (same index but different terms), delete
     * the existing entry and all that follow it (§5.3). Append any new entries not already in the
     * log." (Figure 2, AppendEntries RPC, receiver implementation, steps 3 and 4.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("followerAppends")
    void followerDeletesConflictingEntriesAndAppendsNewOnes(String row, long prevIndex, long prevTerm,
                                                            List<Entry> append, List<Long> termsAfter) {
        PaperPeer follower = PaperPeer.of(2, THREE, 2, 1, 1, 2, 2);
        follower.receive(new AppendEntries(1, 2, 3, prevIndex, prevTerm, append, 1));
        assertEquals(termsAfter, follower.logTerms());
        assertEquals(termsAfter, follower.storage.entries(2, follower.storage.lastIndex() + 1, Long.MAX_VALUE)
                .stream().map(Entry::term).toList(), "the driver's storage agrees");
    }

    static Stream<Arguments> figure7() {
        // Index 1 (term 1) is the bootstrap snapshot; these are the terms of entries 2, 3, ...
        return Stream.of(
                Arguments.of("(a) missing an entry", new long[] {1, 1, 4, 4, 5, 5, 6, 6}),
                Arguments.of("(b) missing many entries", new long[] {1, 1, 4}),
                Arguments.of("(c) an extra entry of the leader's predecessor", new long[] {1, 1, 4, 4, 5, 5, 6, 6, 6, 6}),
                Arguments.of("(d) extra entries of a later term", new long[] {1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}),
                Arguments.of("(e) missing entries, with extra ones of an older term", new long[] {1, 1, 4, 4, 4, 4}),
                Arguments.of("(f) many divergent entries of older terms", new long[] {1, 1, 2, 2, 2, 3, 3, 3, 3, 3}));
    }

    /**
     * §5.3 (Figure 7): "In Raft, the leader handles inconsistencies by forcing the followers' logs to
     * duplicate its own. This means that conflicting entries in follower logs will be overwritten
     * with entries from the leader's log."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("figure7")
    void leaderBringsDivergentFollowerLogsInLineWithItsOwn(String row, long[] followerTerms) {
        PaperPeer leader = PaperPeer.of(1, THREE, 7, 1, 1, 4, 4, 5, 5, 6, 6, 6);
        PaperPeer follower = PaperPeer.of(2, THREE, 7, followerTerms);
        List<Message> toFollower = new ArrayList<>(leader.electWithVotesFrom(3));
        assertEquals(8, leader.status().term());
        for (int round = 0; round < 50 && !toFollower.isEmpty(); round++) {
            List<Message> toLeader = follower.receive(toFollower.stream().filter(m -> m.to() == 2).toArray(Message[]::new));
            toFollower = leader.receive(toLeader.stream().filter(m -> m.to() == 1).toArray(Message[]::new));
        }
        assertEquals(leader.logTerms(), follower.logTerms());
        assertEquals(List.of(1L, 1L, 4L, 4L, 5L, 5L, 6L, 6L, 6L, 8L), follower.logTerms());
        // The follower learns the leader's commit index with the next heartbeat (Raft#maybeCommit).
        follower.receive(leader.heartbeat().stream().filter(m -> m.to() == 2).toArray(Message[]::new));
        assertEquals(leader.status().commit(), follower.status().commit());
    }

    static Stream<Arguments> upToDateVotes() {
        return Stream.of(
                Arguments.of("a later last term wins however short", 3L, 2L, true),
                Arguments.of("an earlier last term loses however long", 1L, 10L, false),
                Arguments.of("same last term, longer log wins", 2L, 5L, true),
                Arguments.of("same last term, same length wins", 2L, 4L, true),
                Arguments.of("same last term, shorter log loses", 2L, 3L, false));
    }

    /**
     * §5.4.1: "The RequestVote RPC implements this restriction: the RPC includes information about
     * the candidate's log, and the voter denies its vote if its own log is more up-to-date than that
     * of the candidate ... If the logs have last entries with different terms, then the log with the
     * later term is more up-to-date. If the logs end with the same term, then whichever log is
     * longer is more up-to-date."
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("upToDateVotes")
    void voteRejectedWhenCandidateLogIsBehind(String row, long lastTerm, long lastIndex, boolean granted) {
        PaperPeer voter = PaperPeer.of(1, THREE, 2, 1, 2, 2); // last entry 2/4
        List<VoteResponse> answers = only(VoteResponse.class,
                voter.receive(new RequestVote(2, 1, 3, lastIndex, lastTerm, false, false)));
        assertEquals(1, answers.size());
        assertEquals(!granted, answers.getFirst().reject());
        assertEquals(granted ? 2 : 0, voter.status().vote());
        assertEquals(3, voter.status().term(), "the higher term is adopted either way");
    }

    /**
     * §5.4.2: "Raft never commits log entries from previous terms by counting replicas. Only log
     * entries from the leader's current term are committed by counting replicas; once an entry from
     * the current term has been committed in this way, then all prior entries are committed
     * indirectly because of the Log Matching Property."
     */
    @Test
    void leaderCommitsOnlyEntriesOfItsTermByCounting() {
        PaperPeer leader = PaperPeer.of(1, THREE, 2, 1, 2); // entries 2/2 and 3/2 of earlier terms
        leader.electWithVotesFrom(2);
        assertEquals(3, leader.status().term());
        assertEquals(4, leader.lastIndex(), "the leader's empty entry of term 3");
        leader.receive(AppendResponse.accept(2, 1, 3, 3));
        assertEquals(1, leader.status().commit(), "3/2 is on a majority, but of an earlier term");
        assertTrue(leader.applied.isEmpty());
        leader.receive(AppendResponse.accept(2, 1, 3, 4));
        assertEquals(4, leader.status().commit(), "committing 4/3 commits everything before it");
        assertEquals(List.of(2L, 3L, 4L), leader.applied.stream().map(Entry::index).toList());
    }

    /**
     * §5.3: "a leader never overwrites or deletes entries in its own log" (Figure 3, Leader
     * Append-Only). Rejections only move the leader's view of the follower.
     */
    @Test
    void leaderNeverChangesItsLogOnRejection() {
        PaperPeer leader = PaperPeer.of(1, THREE, 2, 1, 2, 2);
        leader.electWithVotesFrom(2);
        List<Long> before = leader.logTerms();
        List<Message> sent = leader.receive(new AppendResponse(3, 1, 3, 4, true, 2, 1));
        assertEquals(before, leader.logTerms());
        AppendEntries probe = only(AppendEntries.class, sent).getFirst();
        assertEquals(2, probe.prevLogIndex(), "the leader backs off to the follower's hint");
    }
}
