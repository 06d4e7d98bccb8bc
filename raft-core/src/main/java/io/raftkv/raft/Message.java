package io.raftkv.raft;

import java.util.List;

/**
 * Every message peers exchange. Each kind is its own record with only its own fields, so a
 * {@code switch} over this sealed type is checked for exhaustiveness and no field changes meaning by
 * kind. Every message carries the sender's term; {@code from} and {@code to} are node ids (never 0).
 */
public sealed interface Message {
    long from();

    long to();

    long term();

    /** Leader to follower: entries after (prevLogTerm, prevLogIndex), and the leader's commit index. */
    record AppendEntries(long from, long to, long term, long prevLogIndex, long prevLogTerm,
                         List<Entry> entries, long commit) implements Message {
        public AppendEntries {
            entries = List.copyOf(entries);
            checkAddressed(from, to);
            for (int i = 0; i < entries.size(); i++) {
                Invariants.check(entries.get(i).index() == prevLogIndex + 1 + i,
                        "append entries must be contiguous after %d, entry %d has index %d",
                        prevLogIndex, i, entries.get(i).index());
            }
        }
    }

    /**
     * Follower to leader. On success {@code index} is the last index now known to match. On reject
     * it is the rejected prevLogIndex, and the hint is the follower's best guess of where the logs
     * agree: the largest index at or below both logs' ends whose term is at most the probed term.
     */
    record AppendResponse(long from, long to, long term, long index, boolean reject,
                          long rejectHintIndex, long rejectHintTerm) implements Message {
        public AppendResponse {
            checkAddressed(from, to);
        }

        public static AppendResponse accept(long from, long to, long term, long index) {
            return new AppendResponse(from, to, term, index, false, 0, 0);
        }
    }

    /** Candidate (or pre-candidate, for the term it would campaign in) asking for a vote. */
    record RequestVote(long from, long to, long term, long lastLogIndex, long lastLogTerm,
                       boolean preVote, boolean transfer) implements Message {
        public RequestVote {
            checkAddressed(from, to);
        }
    }

    record VoteResponse(long from, long to, long term, boolean preVote, boolean reject) implements Message {
        public VoteResponse {
            checkAddressed(from, to);
        }
    }

    /** Leader liveness and commit propagation; a non-zero context is a read-index round to acknowledge. */
    record Heartbeat(long from, long to, long term, long commit, long context) implements Message {
        public Heartbeat {
            checkAddressed(from, to);
        }
    }

    record HeartbeatResponse(long from, long to, long term, long context) implements Message {
        public HeartbeatResponse {
            checkAddressed(from, to);
        }
    }

    record InstallSnapshot(long from, long to, long term, Snapshot snapshot) implements Message {
        public InstallSnapshot {
            checkAddressed(from, to);
            Invariants.check(!snapshot.isEmpty(), "install snapshot with an empty snapshot");
        }
    }

    /** Leader to its chosen successor: campaign now, skipping pre-vote and the leader lease. */
    record TimeoutNow(long from, long to, long term) implements Message {
        public TimeoutNow {
            checkAddressed(from, to);
        }
    }

    /** Follower to leader: confirm leadership and tell me the commit index a read may be served at. */
    record ReadIndexRequest(long from, long to, long term, long context) implements Message {
        public ReadIndexRequest {
            checkAddressed(from, to);
        }
    }

    record ReadIndexResponse(long from, long to, long term, long context, long index) implements Message {
        public ReadIndexResponse {
            checkAddressed(from, to);
        }
    }

    private static void checkAddressed(long from, long to) {
        Invariants.check(from > 0 && to > 0, "message needs from and to > 0, got from=%d to=%d", from, to);
    }
}
