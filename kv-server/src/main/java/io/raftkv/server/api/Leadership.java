package io.raftkv.server.api;

import io.raftkv.proto.api.Member;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import io.raftkv.server.loop.LoopStatus;
import io.raftkv.server.loop.RaftLoop;
import io.raftkv.server.storage.KvStateMachine;

/**
 * Whether this node may take writes. We chose to answer writes on a follower with NOT_LEADER (and the
 * leader's client address) rather than forward them: the client then talks to the leader directly,
 * saving a hop on every later write, and a partitioned follower never queues work it cannot finish.
 */
public final class Leadership {
    private final RaftLoop loop;
    private final KvStateMachine stateMachine;

    public Leadership(RaftLoop loop, KvStateMachine stateMachine) {
        this.loop = loop;
        this.stateMachine = stateMachine;
    }

    /** Throws NOT_LEADER (with the leader's address) or NO_LEADER unless this node leads. */
    public LoopStatus requireLeader() {
        LoopStatus status = loop.status();
        if (status.isLeader()) {
            return status;
        }
        if (status.leader() == 0) {
            throw new ServerException(ErrorCode.NO_LEADER,
                    String.format("node %d knows no leader at term %d; retry shortly", status.id(), status.term()), 0, "");
        }
        throw new ServerException(ErrorCode.NOT_LEADER,
                String.format("node %d is not the leader; the leader is node %d", status.id(), status.leader()),
                status.leader(), clientAddress(status.leader()));
    }

    /** The client address of a member, or "" when the member list does not have it. */
    public String clientAddress(long memberId) {
        for (Member member : stateMachine.members()) {
            if (member.getId() == memberId) {
                return member.getClientUrl();
            }
        }
        return "";
    }

    /** Fills in the leader's address on a NOT_LEADER error raised by the raft loop. */
    public Throwable withLeaderAddress(Throwable error) {
        Throwable cause = StatusMapper.unwrap(error);
        if (cause instanceof ServerException server && server.code() == ErrorCode.NOT_LEADER
                && server.leaderAddress().isEmpty() && server.leaderId() != 0) {
            return new ServerException(ErrorCode.NOT_LEADER, server.getMessage(), server.leaderId(),
                    clientAddress(server.leaderId()));
        }
        return cause;
    }
}
