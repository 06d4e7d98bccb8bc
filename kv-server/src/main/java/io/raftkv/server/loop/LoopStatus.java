package io.raftkv.server.loop;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.StateRole;

/** What the raft loop last published about its node; read by request threads, status and /ready. */
public record LoopStatus(long id, long term, long leader, StateRole role, long commit, long applied,
                         long lastIndex, ConfState confState, long leaderChanges) {
    public boolean isLeader() {
        return role == StateRole.LEADER && leader == id;
    }

    public String roleName() {
        if (confState.learners().contains(id)) {
            return "learner";
        }
        return switch (role) {
            case LEADER -> "leader";
            case CANDIDATE -> "candidate";
            case PRE_CANDIDATE -> "pre-candidate";
            case FOLLOWER -> "follower";
        };
    }
}
