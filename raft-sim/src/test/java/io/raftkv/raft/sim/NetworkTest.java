package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NetworkTest {
    private static FaultMix mix(double loss, double duplicate, int delayMax) {
        return new FaultMix(loss, duplicate, delayMax, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0);
    }

    private static Message heartbeat(long from, long to, long term) {
        return new Message.Heartbeat(from, to, term, 0, 0);
    }

    /** Sends 200 messages at tick 0 and returns what arrives, tick by tick, as "tick:term". */
    private static List<String> deliveries(long seed, FaultMix faults) {
        Network network = new Network(new SplittableRandom(seed), faults);
        for (int i = 1; i <= 200; i++) {
            network.send(heartbeat(1, 2, i), 1, 0);
        }
        List<String> arrived = new ArrayList<>();
        for (long tick = 0; tick <= FaultMix.DELAY_MAX_LIMIT + 1; tick++) {
            for (Network.InFlight flight : network.takeDue(tick)) {
                if (!network.lostOrCut(flight.message())) {
                    arrived.add(tick + ":" + flight.message().term());
                }
            }
        }
        assertEquals(0, network.inFlight(), "every message is due within the delay limit");
        return arrived;
    }

    @Test
    void deliversEveryMessageOneTickLaterInSendOrderWhenThereAreNoFaults() {
        List<String> arrived = deliveries(7, FaultMix.none());
        assertEquals(200, arrived.size());
        for (int i = 0; i < 200; i++) {
            assertEquals("1:" + (i + 1), arrived.get(i));
        }
    }

    @Test
    void losesDuplicatesAndReordersTheSameMessagesForTheSameSeed() {
        FaultMix faults = mix(0.2, 0.2, 5);
        List<String> first = deliveries(42, faults);
        assertEquals(first, deliveries(42, faults));
        assertNotEquals(first, deliveries(43, faults));
        assertTrue(first.size() < 240 && first.size() > 120, "some lost, some duplicated: " + first.size());
        List<String> sorted = new ArrayList<>(first);
        sorted.sort(null);
        assertNotEquals(sorted, first, "delays reorder messages");
    }

    @Test
    void cutsALinkInOneDirectionOnlyAndHealsIt() {
        Network network = new Network(new SplittableRandom(1), FaultMix.none());
        network.links().cut(1, 2);
        assertTrue(network.lostOrCut(heartbeat(1, 2, 1)));
        assertTrue(!network.lostOrCut(heartbeat(2, 1, 1)));
        network.heal(0);
        assertTrue(!network.lostOrCut(heartbeat(1, 2, 1)));
    }
}
