package io.raftkv.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AcknowledgedWritesTest {
    private final AcknowledgedWrites writes = new AcknowledgedWrites();

    private AcknowledgedWrites.Verdict check(long finalValue, long finalVersion) {
        return writes.check(Map.of("k", new AcknowledgedWrites.Final(finalValue, finalVersion)));
    }

    @Test
    void aChainOfAcknowledgedWritesEndingInTheFinalValueLosesNothing() {
        writes.add(new AcknowledgedWrites.Ack("k", 1, 1, null));
        writes.add(new AcknowledgedWrites.Ack("k", 2, 2, 1L));
        writes.add(new AcknowledgedWrites.Ack("k", 3, 3, 2L));
        assertEquals(List.of(), check(3, 3).lost());
        assertEquals(3, check(3, 3).checked());
    }

    @Test
    void anUnacknowledgedWriteInTheChainIsNoLoss() {
        writes.add(new AcknowledgedWrites.Ack("k", 1, 1, null));
        // version 2 was written by an info write (value 9), never acknowledged
        writes.add(new AcknowledgedWrites.Ack("k", 3, 3, 9L));
        assertEquals(List.of(), check(3, 3).lost());
    }

    @Test
    void aRolledBackWriteIsLost() {
        writes.add(new AcknowledgedWrites.Ack("k", 1, 1, null));
        writes.add(new AcknowledgedWrites.Ack("k", 2, 2, 1L));
        List<String> lost = check(1, 1).lost();
        assertEquals(1, lost.size());
        assertTrue(lost.get(0).contains("acknowledged write of 2 (version 2, replacing 1) is lost: its version is above"),
                lost.get(0));
    }

    @Test
    void anOverwrittenVersionIsLost() {
        writes.add(new AcknowledgedWrites.Ack("k", 1, 1, null));
        writes.add(new AcknowledgedWrites.Ack("k", 2, 2, 1L)); // lost: another value took version 2
        writes.add(new AcknowledgedWrites.Ack("k", 5, 2, 1L));
        writes.add(new AcknowledgedWrites.Ack("k", 6, 3, 5L));
        List<String> lost = check(6, 3).lost();
        assertEquals(1, lost.size());
        assertTrue(lost.get(0).contains("write of 2 (version 2"), lost.get(0));
    }

    @Test
    void twoAcknowledgedWritesOfOneVersionBelowABreakAreALoss() {
        writes.add(new AcknowledgedWrites.Ack("k", 1, 1, null));
        writes.add(new AcknowledgedWrites.Ack("k", 2, 1, null));
        writes.add(new AcknowledgedWrites.Ack("k", 7, 3, 9L)); // version 2 unknown (info write 9)
        assertEquals(1, check(7, 3).lost().size());
    }
}
