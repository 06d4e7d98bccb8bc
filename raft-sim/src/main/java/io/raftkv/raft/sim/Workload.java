package io.raftkv.raft.sim;

/**
 * What the clients do in one seed: how many keys and client processes, how long the faulty phase
 * lasts, and the operation mix. Each client has one operation outstanding at a time. Immutable.
 *
 * @param keys            number of keys, named k0, k1, ...
 * @param clients         client processes
 * @param chaosTicks      ticks of the phase with faults; then everything heals
 * @param thinkTicksMax   a client waits up to this many ticks between operations
 * @param opTimeoutTicks  an operation not completed within this many ticks ends with an unknown outcome
 * @param readShare       share of reads among operations
 * @param casShare        share of compare-and-sets among operations
 * @param leaderShare     share of operations sent to the node the client believes leads
 */
record Workload(int keys, int clients, int chaosTicks, int thinkTicksMax, int opTimeoutTicks,
                double readShare, double casShare, double leaderShare) {
    Workload {
        if (keys < 1 || keys > 16 || clients < 1 || clients > 64 || chaosTicks < 0 || opTimeoutTicks < 1) {
            throw new IllegalArgumentException("workload out of range: " + this);
        }
    }

    @Override
    public String toString() {
        return String.format("keys=%d clients=%d chaosTicks=%d think<=%d opTimeout=%d reads=%.2f cas=%.2f to-leader=%.2f",
                keys, clients, chaosTicks, thinkTicksMax, opTimeoutTicks, readShare, casShare, leaderShare);
    }
}
