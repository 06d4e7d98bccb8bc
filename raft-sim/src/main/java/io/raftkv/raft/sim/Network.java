package io.raftkv.raft.sim;

import io.raftkv.raft.Invariants;
import io.raftkv.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The virtual network: every message is delivered 1 + uniform[0, delayMax] ticks after it is sent
 * (so messages overtake each other), may be duplicated with its own delay, and may be lost or cut
 * by a partition when it is due. Messages wait in a ring of per-tick slots, in send order within a
 * slot, so delivery order depends on nothing but the seed. Bounded: at most
 * {@link #IN_FLIGHT_MAX} messages in flight. Not thread-safe; one per seed.
 */
final class Network {
    static final int IN_FLIGHT_MAX = 500_000;

    /** A message and the life of its sender that sent it (transport feedback goes to that life only). */
    record InFlight(Message message, int senderIncarnation) {}

    private final SplittableRandom random;
    private final Links links = new Links();
    private final ArrayList<ArrayList<InFlight>> slots = new ArrayList<>();
    private double lossRate;
    private double duplicateRate;
    private int delayMax;
    private int inFlight;
    private long sent;
    private long delivered;

    Network(SplittableRandom random, FaultMix faults) {
        this.random = random;
        for (int i = 0; i < FaultMix.DELAY_MAX_LIMIT + 2; i++) {
            slots.add(new ArrayList<>());
        }
        this.lossRate = faults.lossRate();
        this.duplicateRate = faults.duplicateRate();
        this.delayMax = faults.delayMax();
    }

    Links links() {
        return links;
    }

    /**
     * From now on: no loss, no duplicates, no partitions, and delays of at most {@code delayMax}
     * (a healthy network's latency stays well below the election timeout, or no election could
     * finish).
     */
    void heal(int delayMaxHealthy) {
        lossRate = 0;
        duplicateRate = 0;
        delayMax = Math.min(delayMax, delayMaxHealthy);
        links.healAll();
    }

    void send(Message message, int senderIncarnation, long now) {
        InFlight flight = new InFlight(message, senderIncarnation);
        schedule(flight, now);
        if (duplicateRate > 0 && random.nextDouble() < duplicateRate) {
            schedule(flight, now);
        }
        sent++;
    }

    private void schedule(InFlight flight, long now) {
        Invariants.check(inFlight < IN_FLIGHT_MAX, "network holds %d messages in flight", inFlight);
        long at = now + 1 + (delayMax == 0 ? 0 : random.nextInt(delayMax + 1));
        slots.get((int) (at % slots.size())).add(flight);
        inFlight++;
    }

    /** Takes the messages due at {@code now}, in the order they were scheduled. */
    List<InFlight> takeDue(long now) {
        int slot = (int) (now % slots.size());
        ArrayList<InFlight> due = slots.get(slot);
        if (due.isEmpty()) {
            return List.of();
        }
        slots.set(slot, new ArrayList<>());
        inFlight -= due.size();
        return due;
    }

    /** Decides, when a message is due, whether the wire lost it or a partition cuts it. */
    boolean lostOrCut(Message message) {
        if (links.isCut(message.from(), message.to())) {
            return true;
        }
        return lossRate > 0 && random.nextDouble() < lossRate;
    }

    void countDelivered() {
        delivered++;
    }

    int inFlight() {
        return inFlight;
    }

    long sent() {
        return sent;
    }

    long delivered() {
        return delivered;
    }
}
