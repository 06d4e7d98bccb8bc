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
import io.raftkv.raft.read.ReadIndexQueue;
import io.raftkv.raft.tracker.Progress;
import io.raftkv.raft.tracker.ProgressState;

/**
 * The leader: replicates its log, commits by quorum, confirms reads with heartbeat rounds, and hands
 * leadership over on request. Holds the state only a leader has.
 */
final class LeaderRole implements Role {
    final ReadIndexQueue reads;
    /** The node leadership is being handed to, or 0. Proposals are refused meanwhile. */
    long transferee;
    /** Ticks since the transfer began; it is abandoned after an election timeout. */
    int transferElapsed;

    LeaderRole(int pendingReadsMax) {
        this.reads = new ReadIndexQueue(pendingReadsMax);
    }

    @Override
    public StateRole stateRole() {
        return StateRole.LEADER;
    }

    @Override
    public void tick(Raft raft) {
        raft.heartbeatElapsed++;
        raft.electionElapsed++;
        if (transferee != 0 && ++transferElapsed >= raft.config.electionTicks()) {
            raft.logger().warn(String.format("node=%d abandoned leader transfer to=%d term=%d: target did not take over",
                    raft.id, transferee, raft.term));
            transferee = 0;
        }
        if (raft.electionElapsed >= raft.config.electionTicks()) {
            raft.electionElapsed = 0;
            if (raft.config.checkQuorum() && !raft.tracker.quorumActiveAndReset(raft.id)) {
                raft.logger().warn(String.format("node=%d stepped down term=%d: quorum not heard from in an election timeout",
                        raft.id, raft.term));
                raft.becomeFollower(raft.term, 0);
                return;
            }
        }
        if (raft.heartbeatElapsed >= raft.config.heartbeatTicks()) {
            raft.heartbeatElapsed = 0;
            raft.broadcastHeartbeat(reads.latestRound());
        }
    }

    @Override
    public void step(Raft raft, Message message) {
        switch (message) {
            case AppendResponse response -> onAppendResponse(raft, response);
            case HeartbeatResponse response -> onHeartbeatResponse(raft, response);
            case ReadIndexRequest request -> {
                if (raft.tracker.get(request.from()) == null) {
                    raft.ignore(message, "read from a non-member");
                } else if (reads.full()) {
                    raft.logger().warn(String.format("node=%d dropped read-index from=%d: %d reads pending",
                            raft.id, request.from(), reads.size()));
                } else {
                    raft.readIndex(request.from(), request.context());
                }
            }
            case AppendEntries ignored -> twoLeaders(raft, message);
            case Heartbeat ignored -> twoLeaders(raft, message);
            case InstallSnapshot ignored -> twoLeaders(raft, message);
            case TimeoutNow ignored -> raft.ignore(message, "already leader");
            case VoteResponse ignored -> raft.ignore(message, "already leader");
            case ReadIndexResponse ignored -> raft.ignore(message, "already leader");
            case RequestVote ignored -> throw new AssertionError("votes are handled before the role");
        }
    }

    /** Election safety (§5.2): at most one leader per term. Another one means the cluster is broken. */
    private static void twoLeaders(Raft raft, Message message) {
        throw new AssertionError(String.format("node=%d is leader of term=%d but node=%d also leads it (%s)",
                raft.id, raft.term, message.from(), message.getClass().getSimpleName()));
    }

    private void onAppendResponse(Raft raft, AppendResponse response) {
        Progress progress = raft.tracker.get(response.from());
        if (progress == null) {
            raft.ignore(response, "from a non-member");
            return;
        }
        progress.setRecentActive(true);
        if (response.reject()) {
            long nextProbe = response.rejectHintIndex();
            if (response.rejectHintTerm() > 0) {
                // Skip every entry of ours that cannot match: see RaftLog.findConflictByTerm.
                nextProbe = raft.raftLog.findConflictByTerm(response.rejectHintIndex(), response.rejectHintTerm()).index();
            }
            if (progress.maybeDecreaseTo(response.index(), nextProbe)) {
                if (progress.state() == ProgressState.REPLICATE) {
                    progress.becomeProbe();
                }
                raft.sendAppend(response.from(), true);
            }
            return;
        }
        boolean wasPaused = progress.isPaused();
        if (progress.maybeUpdate(response.index())
                || (progress.match() == response.index() && progress.state() == ProgressState.PROBE)) {
            switch (progress.state()) {
                case PROBE -> progress.becomeReplicate();
                case SNAPSHOT -> {
                    if (progress.match() + 1 >= raft.raftLog.firstIndex()) {
                        progress.becomeProbe();
                        progress.becomeReplicate();
                    }
                }
                case REPLICATE -> progress.inflights().freeLe(response.index());
            }
            // A new commit index is not broadcast in empty appends: followers learn it from the next
            // append or heartbeat (see Raft#maybeCommit).
            boolean committed = raft.maybeCommit();
            if (!committed && wasPaused) {
                raft.sendAppend(response.from(), true);
            }
            // Fill the window: a follower in replicate state takes as many appends as it allows.
            int sends = 0;
            while (raft.sendAppend(response.from(), false)) {
                Invariants.check(++sends <= raft.config.inflightMessagesMax(), "append loop exceeded the inflight limit");
            }
            if (response.from() == transferee && progress.match() == raft.raftLog.lastIndex()) {
                raft.sendTimeoutNow(response.from());
            }
        }
    }

    private void onHeartbeatResponse(Raft raft, HeartbeatResponse response) {
        Progress progress = raft.tracker.get(response.from());
        if (progress == null) {
            raft.ignore(response, "from a non-member");
            return;
        }
        progress.setRecentActive(true);
        progress.onHeartbeatResponse();
        if (progress.match() < raft.raftLog.lastIndex()) {
            raft.sendAppend(response.from(), true);
        }
        if (response.context() != 0) {
            for (ReadIndexQueue.PendingRead read : reads.acknowledge(response.from(), response.context(), raft.id,
                    raft.tracker.config().voters())) {
                raft.releaseRead(read.requester(), read.context(), read.index());
            }
        }
    }
}
