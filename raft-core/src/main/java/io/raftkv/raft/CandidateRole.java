package io.raftkv.raft;

import io.raftkv.raft.Message.AppendEntries;
import io.raftkv.raft.Message.AppendResponse;
import io.raftkv.raft.Message.Heartbeat;
import io.raftkv.raft.Message.HeartbeatResponse;
import io.raftkv.raft.Message.InstallSnapshot;
import io.raftkv.raft.Message.ReadIndexRequest;
import io.raftkv.raft.Message.ReadIndexResponse;
import io.raftkv.raft.Message.RequestVote;
import io.raftkv.raft.Message.TimeoutNow;
import io.raftkv.raft.Message.VoteResponse;
import io.raftkv.raft.quorum.VoteResult;

/**
 * A candidate or pre-candidate (§9.6); the only difference is which vote responses count and what
 * winning means: a pre-candidate that wins starts the real election.
 */
final class CandidateRole implements Role {
    private final boolean preVote;

    CandidateRole(boolean preVote) {
        this.preVote = preVote;
    }

    boolean isPreVote() {
        return preVote;
    }

    @Override
    public StateRole stateRole() {
        return preVote ? StateRole.PRE_CANDIDATE : StateRole.CANDIDATE;
    }

    @Override
    public void tick(Raft raft) {
        raft.tickElection();
    }

    @Override
    public void step(Raft raft, Message message) {
        switch (message) {
            // A leader of our term exists: it won, so we follow it.
            case AppendEntries append -> {
                raft.becomeFollower(raft.term, append.from());
                raft.handleAppend(append);
            }
            case Heartbeat heartbeat -> {
                raft.becomeFollower(raft.term, heartbeat.from());
                raft.handleHeartbeat(heartbeat);
            }
            case InstallSnapshot install -> {
                raft.becomeFollower(raft.term, install.from());
                raft.handleSnapshot(install);
            }
            case VoteResponse response -> countVote(raft, response);
            case TimeoutNow ignored -> raft.ignore(message, "already campaigning");
            case AppendResponse ignored -> raft.ignore(message, "not leader");
            case HeartbeatResponse ignored -> raft.ignore(message, "not leader");
            case ReadIndexRequest ignored -> raft.ignore(message, "not leader");
            case ReadIndexResponse ignored -> raft.ignore(message, "no longer following");
            case RequestVote ignored -> throw new AssertionError("votes are handled before the role");
        }
    }

    private void countVote(Raft raft, VoteResponse response) {
        if (response.preVote() != preVote) {
            raft.ignore(response, "vote of the other kind of election");
            return;
        }
        raft.tracker.recordVote(response.from(), !response.reject());
        VoteResult result = raft.tracker.voteResult();
        if (raft.logger().debugEnabled()) raft.logger().debug(String.format("node=%d received %s %s from=%d term=%d granted=%d rejected=%d",
                raft.id, preVote ? "pre-vote" : "vote", response.reject() ? "rejection" : "grant", response.from(),
                response.term(), raft.tracker.grantedCount(), raft.tracker.rejectedCount()));
        switch (result) {
            case WON -> {
                if (preVote) {
                    raft.campaign(false, false);
                } else {
                    raft.becomeLeader();
                }
            }
            case LOST -> raft.becomeFollower(raft.term, 0);
            case PENDING -> { }
        }
    }
}
