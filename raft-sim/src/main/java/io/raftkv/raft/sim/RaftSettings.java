package io.raftkv.raft.sim;

import io.raftkv.raft.BrokenRule;
import io.raftkv.raft.Config;
import io.raftkv.raft.RaftLogger;
import java.util.Set;

/**
 * The raft-core configuration a seed runs every node with. Small messages and windows are drawn
 * often because they split replication into many steps, which is where ordering bugs hide (one
 * entry per append is what Figure 8 of the Raft paper needs). Immutable.
 */
record RaftSettings(int electionTicks, int heartbeatTicks, boolean preVote, boolean checkQuorum,
                    long messageBytesMax, int inflightMessagesMax) {

    Config config(long id, long seed, Set<BrokenRule> brokenRules, RaftLogger logger) {
        Config defaults = Config.defaults(id, seed);
        return defaults.withTicks(electionTicks, heartbeatTicks)
                .withLimits(messageBytesMax, Math.min(messageBytesMax, defaults.entryBytesMax()), inflightMessagesMax,
                        Math.max(messageBytesMax, defaults.inflightBytesMax()), defaults.uncommittedBytesMax(),
                        defaults.committedBytesPerReadyMax(), defaults.pendingReadsMax())
                .withElectionSafety(preVote, checkQuorum)
                .withBrokenRules(brokenRules)
                .withLogger(logger);
    }

    @Override
    public String toString() {
        return "election=" + electionTicks + " heartbeat=" + heartbeatTicks + " preVote=" + preVote
                + " checkQuorum=" + checkQuorum + " messageBytesMax=" + messageBytesMax
                + " inflightMax=" + inflightMessagesMax;
    }
}
