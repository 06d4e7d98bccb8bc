package io.raftkv.raft.sim;

/**
 * How hard one seed is hit: per-message network faults, and per-tick probabilities of the
 * episodic faults (partitions, crashes, pauses) and of the operator actions (membership changes,
 * leader transfers, log compaction). Drawn per seed by a {@link FaultProfile}. Immutable.
 *
 * @param lossRate               chance a message is lost
 * @param duplicateRate          chance a message is delivered twice
 * @param delayMax               a message arrives 1 + uniform[0, delayMax] ticks after it is sent
 * @param partitionRate          chance per tick that a partition starts (one at a time)
 * @param partitionTicksMax      a partition lasts 1..this many ticks
 * @param crashRate              chance per tick that a node crashes
 * @param downTicksMax           a crashed node restarts after 1..this many ticks
 * @param crashInsideReadyShare  share of crashes that hit inside the next Ready (after messagesNow
 *                               left, before or after persisting) instead of between Readies
 * @param pauseRate              chance per tick that a node pauses (a long GC pause: no ticks, no input)
 * @param pauseTicksMax          a pause lasts 1..this many ticks
 * @param leaderTargetShare      share of crashes, partitions and pauses aimed at the current leader
 * @param reactiveRate           chance that a node which just became leader, or a leader which just
 *                               advanced its commit index, is hit at once (isolated, cut off, paused
 *                               or crashed): the moments where election and commit bugs show
 * @param membershipRate         chance per tick of a membership change
 * @param transferRate           chance per tick of a leader transfer
 * @param compactionRate         chance per tick that a node snapshots its state machine
 */
record FaultMix(double lossRate, double duplicateRate, int delayMax,
                double partitionRate, int partitionTicksMax,
                double crashRate, int downTicksMax, double crashInsideReadyShare,
                double pauseRate, int pauseTicksMax, double leaderTargetShare, double reactiveRate,
                double membershipRate, double transferRate, double compactionRate) {
    /** Messages may be delayed by at most this many ticks; the network's ring is sized by it. */
    static final int DELAY_MAX_LIMIT = 32;

    FaultMix {
        if (delayMax < 0 || delayMax > DELAY_MAX_LIMIT || partitionTicksMax < 1 || downTicksMax < 1 || pauseTicksMax < 1) {
            throw new IllegalArgumentException("fault mix out of range: " + this);
        }
    }

    static FaultMix none() {
        return new FaultMix(0, 0, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0);
    }

    @Override
    public String toString() {
        return String.format("loss=%.3f dup=%.3f delayMax=%d partition=%.4f/%d crash=%.4f/%d inside-ready=%.2f"
                        + " pause=%.4f/%d leader-target=%.2f reactive=%.2f membership=%.4f transfer=%.4f compaction=%.3f",
                lossRate, duplicateRate, delayMax, partitionRate, partitionTicksMax, crashRate, downTicksMax,
                crashInsideReadyShare, pauseRate, pauseTicksMax, leaderTargetShare, reactiveRate, membershipRate, transferRate,
                compactionRate);
    }
}
