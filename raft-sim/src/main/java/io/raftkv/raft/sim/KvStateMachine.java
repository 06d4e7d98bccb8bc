package io.raftkv.raft.sim;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.confchange.Changer;
import io.raftkv.raft.confchange.ConfChangeCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One node's in-memory key-value state machine: a register per key, the index applied so far and
 * the membership in force at that index (tracked here, from CONF_CHANGE entries, so a snapshot can
 * record the ConfState of its own index). Lost on a crash; rebuilt from the disk's snapshot.
 * Invariant: entries are applied in index order with no gap. Not thread-safe; one per node life.
 */
final class KvStateMachine {
    /** Value 0 means the key is missing. */
    private final long[] values;
    private long applied;
    private ConfState confState;
    /** Whether the command of the last {@link #apply} took effect (a cas whose compare failed did not). */
    private boolean lastMatched;

    private KvStateMachine(long[] values, long applied, ConfState confState) {
        this.values = values;
        this.applied = applied;
        this.confState = confState;
    }

    static KvStateMachine empty(int keys) {
        return new KvStateMachine(new long[keys], 0, ConfState.EMPTY);
    }

    /** The state a snapshot describes; an empty snapshot (a new learner's disk) is the empty machine. */
    static KvStateMachine restore(Snapshot snapshot, int keys) {
        if (snapshot.isEmpty()) {
            return empty(keys);
        }
        ByteBuffer buffer = ByteBuffer.wrap(snapshot.data());
        int count = buffer.getInt();
        Invariants.check(count == keys, "snapshot holds %d keys, the simulation has %d", count, keys);
        long[] values = new long[keys];
        for (int i = 0; i < keys; i++) {
            values[i] = buffer.getLong();
        }
        Invariants.check(!buffer.hasRemaining(), "snapshot data has %d trailing bytes", buffer.remaining());
        return new KvStateMachine(values, snapshot.index(), snapshot.metadata().confState());
    }

    /** The bytes of this machine's values; the index and membership go in the snapshot's metadata. */
    byte[] serialize() {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 8 * values.length).putInt(values.length);
        for (long value : values) {
            buffer.putLong(value);
        }
        return buffer.array();
    }

    long applied() {
        return applied;
    }

    ConfState confState() {
        return confState;
    }

    long get(int key) {
        return values[key];
    }

    /**
     * Applies the next entry. Returns the command it carried (null for the leader's empty entry and
     * for conf changes), and whether a cas matched through {@link #lastMatched()}.
     */
    KvCommand apply(Entry entry) {
        Invariants.check(entry.index() == applied + 1, "applying index %d after %d: entries must be contiguous",
                entry.index(), applied);
        applied = entry.index();
        lastMatched = false;
        if (entry.type() == EntryType.CONF_CHANGE) {
            // Same computation as the core, so a snapshot's ConfState matches what the core holds.
            confState = Changer.apply(confState, ConfChangeCodec.decode(entry.data()));
            return null;
        }
        if (entry.data().length == 0) {
            return null;
        }
        KvCommand command = KvCommand.decode(entry.data());
        switch (command.kind()) {
            case PUT -> {
                values[command.key()] = command.value();
                lastMatched = true;
            }
            case CAS -> {
                lastMatched = values[command.key()] == command.expected();
                if (lastMatched) {
                    values[command.key()] = command.value();
                }
            }
            case NOOP -> lastMatched = true;
        }
        return command;
    }

    boolean lastMatched() {
        return lastMatched;
    }

    /** A hash of the registers: two replicas that applied the same prefix have the same digest. */
    long digest() {
        long hash = 0xcbf29ce484222325L;
        for (long value : values) {
            hash = (hash ^ value) * 0x100000001b3L;
            hash ^= hash >>> 29;
        }
        return hash;
    }

    @Override
    public String toString() {
        return "applied=" + applied + " values=" + Arrays.toString(values);
    }
}
