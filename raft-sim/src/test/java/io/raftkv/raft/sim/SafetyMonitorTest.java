package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Message;
import io.raftkv.raft.log.MemoryLogStorage;
import java.util.List;
import org.junit.jupiter.api.Test;

class SafetyMonitorTest {
    private static MemoryLogStorage disk() {
        return MemoryLogStorage.bootstrap(ConfState.ofVoters(1, 2, 3), KvStateMachine.empty(1).serialize());
    }

    @Test
    void twoEntriesWithTheSameIndexAndTermMustBeEqual() {
        SafetyMonitor monitor = new SafetyMonitor(true);
        MemoryLogStorage one = disk();
        MemoryLogStorage two = disk();
        one.append(List.of(Entry.normal(2, 2, new byte[] {1})));
        monitor.onPersisted(1, List.of(Entry.normal(2, 2, new byte[] {1})), one);
        two.append(List.of(Entry.normal(2, 2, new byte[] {2})));
        SimulationViolation violation = assertThrows(SimulationViolation.class,
                () -> monitor.onPersisted(2, List.of(Entry.normal(2, 2, new byte[] {2})), two));
        assertEquals("log matching", violation.property());
    }

    @Test
    void twoNodesMustNotApplyDifferentEntriesAtOneIndex() {
        SafetyMonitor monitor = new SafetyMonitor(true);
        monitor.onApplied(1, Entry.normal(2, 2, new byte[] {1}), 5);
        SimulationViolation violation = assertThrows(SimulationViolation.class,
                () -> monitor.onApplied(2, Entry.normal(2, 3, new byte[] {1}), 5));
        assertEquals("state machine safety", violation.property());
    }

    @Test
    void aNodeMustNotVoteTwiceInOneTermNorGoBackInTermOrCommit() {
        SafetyMonitor monitor = new SafetyMonitor(true);
        monitor.onHardState(1, new HardState(3, 0, 5), new HardState(3, 2, 5));
        assertEquals("one vote per term", assertThrows(SimulationViolation.class,
                () -> monitor.onHardState(1, new HardState(3, 2, 5), new HardState(3, 3, 5))).property());
        assertEquals("durable term", assertThrows(SimulationViolation.class,
                () -> monitor.onHardState(1, new HardState(3, 2, 5), new HardState(2, 0, 5))).property());
        assertEquals("commit monotonic", assertThrows(SimulationViolation.class,
                () -> monitor.onHardState(1, new HardState(3, 2, 5), new HardState(3, 2, 4))).property());
    }

    @Test
    void anAcknowledgementMustNotLeaveBeforeWhatItPromisesIsOnDisk() {
        SafetyMonitor monitor = new SafetyMonitor(true);
        MemoryLogStorage disk = disk();
        monitor.checkPromise(2, Message.AppendResponse.accept(2, 1, 1, 1), disk);
        assertEquals("durable acknowledgement", assertThrows(SimulationViolation.class,
                () -> monitor.checkPromise(2, Message.AppendResponse.accept(2, 1, 1, 2), disk)).property());
        assertEquals("durable acknowledgement", assertThrows(SimulationViolation.class,
                () -> monitor.checkPromise(2, new Message.VoteResponse(2, 1, 2, false, false), disk)).property());
        new SafetyMonitor(false).checkPromise(2, Message.AppendResponse.accept(2, 1, 1, 2), disk);
    }
}
