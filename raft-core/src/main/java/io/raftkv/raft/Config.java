package io.raftkv.raft;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link RaftNode} is built with. Validated when built: each bad value is named.
 *
 * <p>Flow control, worked out by Little's law as in etcd: a follower in replicate state has at most
 * {@code inflightMessagesMax} appends of at most {@code messageBytesMax} each, and at most
 * {@code inflightBytesMax} bytes, unacknowledged. With a round trip of R seconds, one follower's
 * replication throughput is capped near {@code min(inflightMessagesMax * messageBytesMax,
 * inflightBytesMax) / R}: 256 x 1 MiB / 1 ms is far above what a disk takes, so the caps bound
 * memory rather than speed.
 *
 * @param id                      this node's id, > 0
 * @param electionTicks           ticks without a leader before campaigning; randomized in
 *                                [electionTicks, 2*electionTicks) from {@code seed}
 * @param heartbeatTicks          ticks between leader heartbeats; must be < electionTicks
 * @param seed                    the seed of the only randomness the core uses (election timeouts)
 * @param messageBytesMax         most entry bytes in one AppendEntries (one entry always fits)
 * @param entryBytesMax           largest single proposal; larger ones are dropped ENTRY_TOO_LARGE
 * @param inflightMessagesMax     unacknowledged appends per follower
 * @param inflightBytesMax        unacknowledged entry bytes per follower
 * @param uncommittedBytesMax     entry bytes the leader holds uncommitted before dropping proposals
 * @param committedBytesPerReadyMax entry bytes handed to the state machine in one Ready
 * @param pendingReadsMax         read-index requests waiting on a leader at once
 * @param preVote                 run a pre-vote before a real election (§9.6)
 * @param checkQuorum             a leader steps down without a quorum heard from in an election timeout
 * @param brokenRules             test-only: deliberately broken rules; empty in production
 * @param logger                  where the core's log lines go
 */
public record Config(long id, int electionTicks, int heartbeatTicks, long seed,
                     long messageBytesMax, long entryBytesMax, int inflightMessagesMax, long inflightBytesMax,
                     long uncommittedBytesMax, long committedBytesPerReadyMax, int pendingReadsMax,
                     boolean preVote, boolean checkQuorum, Set<BrokenRule> brokenRules, RaftLogger logger) {

    public Config {
        require(id > 0, "id", id, "must be > 0");
        require(heartbeatTicks > 0, "heartbeatTicks", heartbeatTicks, "must be > 0");
        require(electionTicks > heartbeatTicks, "electionTicks", electionTicks, "must be > heartbeatTicks");
        require(messageBytesMax > 0, "messageBytesMax", messageBytesMax, "must be > 0");
        require(entryBytesMax > 0 && entryBytesMax <= messageBytesMax, "entryBytesMax", entryBytesMax,
                "must be > 0 and <= messageBytesMax, or an entry could never be sent");
        require(inflightMessagesMax > 0, "inflightMessagesMax", inflightMessagesMax, "must be > 0");
        require(inflightBytesMax >= messageBytesMax, "inflightBytesMax", inflightBytesMax, "must be >= messageBytesMax");
        require(uncommittedBytesMax >= entryBytesMax, "uncommittedBytesMax", uncommittedBytesMax, "must be >= entryBytesMax");
        require(committedBytesPerReadyMax > 0, "committedBytesPerReadyMax", committedBytesPerReadyMax, "must be > 0");
        require(pendingReadsMax > 0, "pendingReadsMax", pendingReadsMax, "must be > 0");
        brokenRules = brokenRules.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(brokenRules));
        Objects.requireNonNull(logger, "logger");
    }

    /** Defaults like etcd's: 1 MiB messages, 256 in flight, 10-tick election and 1-tick heartbeat. */
    public static Config defaults(long id, long seed) {
        return new Config(id, 10, 1, seed, 1 << 20, 1 << 20, 256, 64L << 20, 64L << 20, 64L << 20, 4096,
                true, true, Set.of(), RaftLogger.DISCARD);
    }

    public Config withTicks(int electionTicks, int heartbeatTicks) {
        return new Config(id, electionTicks, heartbeatTicks, seed, messageBytesMax, entryBytesMax, inflightMessagesMax,
                inflightBytesMax, uncommittedBytesMax, committedBytesPerReadyMax, pendingReadsMax, preVote,
                checkQuorum, brokenRules, logger);
    }

    public Config withLimits(long messageBytesMax, long entryBytesMax, int inflightMessagesMax, long inflightBytesMax,
                             long uncommittedBytesMax, long committedBytesPerReadyMax, int pendingReadsMax) {
        return new Config(id, electionTicks, heartbeatTicks, seed, messageBytesMax, entryBytesMax, inflightMessagesMax,
                inflightBytesMax, uncommittedBytesMax, committedBytesPerReadyMax, pendingReadsMax, preVote,
                checkQuorum, brokenRules, logger);
    }

    public Config withElectionSafety(boolean preVote, boolean checkQuorum) {
        return new Config(id, electionTicks, heartbeatTicks, seed, messageBytesMax, entryBytesMax, inflightMessagesMax,
                inflightBytesMax, uncommittedBytesMax, committedBytesPerReadyMax, pendingReadsMax, preVote,
                checkQuorum, brokenRules, logger);
    }

    public Config withBrokenRules(Set<BrokenRule> brokenRules) {
        return new Config(id, electionTicks, heartbeatTicks, seed, messageBytesMax, entryBytesMax, inflightMessagesMax,
                inflightBytesMax, uncommittedBytesMax, committedBytesPerReadyMax, pendingReadsMax, preVote,
                checkQuorum, brokenRules, logger);
    }

    public Config withLogger(RaftLogger logger) {
        return new Config(id, electionTicks, heartbeatTicks, seed, messageBytesMax, entryBytesMax, inflightMessagesMax,
                inflightBytesMax, uncommittedBytesMax, committedBytesPerReadyMax, pendingReadsMax, preVote,
                checkQuorum, brokenRules, logger);
    }

    public boolean broken(BrokenRule rule) {
        return brokenRules.contains(rule);
    }

    private static void require(boolean ok, String field, Object value, String why) {
        if (!ok) {
            throw new IllegalArgumentException("invalid raft config: " + field + "=" + value + " " + why);
        }
    }
}
