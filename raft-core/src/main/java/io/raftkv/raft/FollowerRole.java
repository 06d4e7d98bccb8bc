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

/** A follower (or learner): accepts the leader's log, forwards read-index requests, and times out. */
final class FollowerRole implements Role {
    @Override
    public StateRole stateRole() {
        return StateRole.FOLLOWER;
    }

    @Override
    public void tick(Raft raft) {
        raft.tickElection();
    }

    @Override
    public void step(Raft raft, Message message) {
        switch (message) {
            case AppendEntries append -> {
                raft.heardFromLeader(append.from());
                raft.handleAppend(append);
            }
            case Heartbeat heartbeat -> {
                raft.heardFromLeader(heartbeat.from());
                raft.handleHeartbeat(heartbeat);
            }
            case InstallSnapshot install -> {
                raft.heardFromLeader(install.from());
                raft.handleSnapshot(install);
            }
            case TimeoutNow timeoutNow -> {
                // Only the leader we follow may hand leadership over, and only to a voter.
                if (timeoutNow.from() == raft.lead && raft.promotable()) {
                    raft.logger().info(String.format("node=%d received timeout-now from=%d term=%d, campaigning",
                            raft.id, timeoutNow.from(), raft.term));
                    // Through hup, not campaign: a transfer is still a campaign, and must wait like
                    // any other until committed conf changes are applied (etcd-io/etcd#12133).
                    raft.hup(true);
                }
            }
            case ReadIndexResponse response -> raft.readStates.add(new ReadState(response.index(), response.context()));
            case AppendResponse ignored -> raft.ignore(message, "not leader");
            case HeartbeatResponse ignored -> raft.ignore(message, "not leader");
            case VoteResponse ignored -> raft.ignore(message, "not campaigning");
            case ReadIndexRequest ignored -> raft.ignore(message, "not leader");
            case RequestVote ignored -> throw new AssertionError("votes are handled before the role");
        }
    }
}
