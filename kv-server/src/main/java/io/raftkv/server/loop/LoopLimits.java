package io.raftkv.server.loop;

import io.raftkv.raft.Invariants;

/**
 * Capacities of the raft loop's queues and batches.
 *
 * @param tickMillis          wall-clock length of one raft tick
 * @param inboundMax          peer messages waiting for the loop
 * @param proposalsMax        client writes waiting for the loop; beyond it RESOURCE_EXHAUSTED
 * @param readsMax            linearizable reads waiting for a read index
 * @param applyBatchesMax     committed batches waiting for the apply thread (backpressure)
 * @param proposalBatchBytesMax bytes of writes proposed in one go (group commit)
 */
public record LoopLimits(long tickMillis, int inboundMax, int proposalsMax, int readsMax, int applyBatchesMax,
                         long proposalBatchBytesMax) {
    public LoopLimits {
        Invariants.check(tickMillis > 0 && inboundMax > 0 && proposalsMax > 0 && readsMax > 0 && applyBatchesMax > 0
                        && proposalBatchBytesMax > 0, "loop limits must be positive: tick=%d inbound=%d proposals=%d reads=%d apply=%d batch=%d",
                tickMillis, inboundMax, proposalsMax, readsMax, applyBatchesMax, proposalBatchBytesMax);
    }
}
