package io.raftkv.raft;

/**
 * What a node does with a message of its current term and with a tick, by role. Role-only state
 * (leader's read queue and transfer target, candidate's kind of election) lives in the role object,
 * so no other role can touch it. Not thread-safe; owned by the raft loop.
 */
sealed interface Role permits FollowerRole, CandidateRole, LeaderRole {
    StateRole stateRole();

    void step(Raft raft, Message message);

    void tick(Raft raft);
}
