package io.raftkv.raft.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChangeCodec;
import org.junit.jupiter.api.Test;

class KvStateMachineTest {
    @Test
    void commandsSurviveTheirByteEncoding() {
        KvCommand cas = KvCommand.cas(3, 17, 2, 5, 6);
        assertEquals(cas, KvCommand.decode(cas.encode()));
        KvCommand put = KvCommand.put(1, 18, 0, 9);
        assertEquals(put, KvCommand.decode(put.encode()));
        assertThrows(AssertionError.class, () -> KvCommand.decode(new byte[3]));
    }

    @Test
    void casTakesEffectOnlyWhenTheCompareMatches() {
        KvStateMachine machine = KvStateMachine.empty(3);
        machine.apply(Entry.normal(1, 1, KvCommand.cas(0, 1, 0, 0, 5).encode()));
        assertTrue(machine.lastMatched(), "a missing key matches expected nil");
        machine.apply(Entry.normal(2, 1, KvCommand.cas(0, 2, 0, 4, 6).encode()));
        assertFalse(machine.lastMatched());
        assertEquals(5, machine.get(0));
        machine.apply(Entry.normal(3, 1, KvCommand.put(0, 3, 1, 7).encode()));
        assertEquals(7, machine.get(1));
        assertThrows(AssertionError.class, () -> machine.apply(Entry.normal(5, 1, new byte[0])), "no gaps");
    }

    @Test
    void aSnapshotRestoresValuesIndexAndMembership() {
        KvStateMachine machine = KvStateMachine.empty(4);
        machine.apply(Entry.normal(1, 1, KvCommand.put(0, 1, 3, 11).encode()));
        machine.apply(new Entry(2, 1, EntryType.CONF_CHANGE,
                ConfChangeCodec.encode(ConfChange.simple(ConfChange.ChangeType.ADD_VOTER, 4))));
        assertEquals(Set4.of(4), machine.confState().voters());
        Snapshot snapshot = new Snapshot(new SnapshotMetadata(2, 1, machine.confState()), machine.serialize());
        KvStateMachine restored = KvStateMachine.restore(snapshot, 4);
        assertEquals(2, restored.applied());
        assertEquals(11, restored.get(3));
        assertEquals(machine.digest(), restored.digest());
        assertEquals(machine.confState(), restored.confState());
        assertEquals(ConfState.EMPTY, KvStateMachine.restore(Snapshot.EMPTY, 4).confState());
    }

    /** A sorted set of ids, to compare with ConfState's sets. */
    private static final class Set4 {
        static java.util.SortedSet<Long> of(long... ids) {
            java.util.TreeSet<Long> set = new java.util.TreeSet<>();
            for (long id : ids) {
                set.add(id);
            }
            return set;
        }
    }
}
