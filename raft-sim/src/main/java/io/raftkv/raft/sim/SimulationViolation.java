package io.raftkv.raft.sim;

/**
 * A broken property found by the simulator: which check fired and what it saw. Thrown from
 * anywhere in a seed's run and caught by {@link Simulation#run}, which turns it into a
 * {@link SeedResult}. No stack trace: the seed and the trace say where.
 */
final class SimulationViolation extends RuntimeException {
    private final String property;

    SimulationViolation(String property, String detail) {
        super(detail, null, false, false);
        this.property = property;
    }

    /** The property that broke, e.g. "election safety" or "linearizability". */
    String property() {
        return property;
    }

    static void check(boolean condition, String property, String format, Object... args) {
        if (!condition) {
            throw new SimulationViolation(property, String.format(format, args));
        }
    }
}
