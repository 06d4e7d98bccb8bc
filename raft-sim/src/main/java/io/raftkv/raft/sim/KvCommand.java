package io.raftkv.raft.sim;

import io.raftkv.raft.Invariants;
import java.nio.ByteBuffer;

/**
 * A client command as it travels in a log entry: who sent it (process and a per-seed unique op id),
 * what it does (put, compare-and-set, or a no-op the simulator uses to prove liveness), the key and
 * the values. Values are positive integers; 0 stands for "missing" (the checker's null). Immutable.
 *
 * @param kind     what the command does
 * @param process  the history process that invoked it (for the trace; not used to decide outcomes)
 * @param opId     unique per seed: an applied entry completes the op only if the op ids agree
 * @param key      key number, 0-based
 * @param value    the value a put writes, or the new value of a cas
 * @param expected the value a cas compares against (0 = missing)
 */
record KvCommand(Kind kind, int process, long opId, int key, long value, long expected) {
    /** kind, process, op id, key, value, expected. */
    static final int ENCODED_BYTES = 1 + 4 + 8 + 1 + 8 + 8;

    enum Kind { PUT, CAS, NOOP }

    KvCommand {
        Invariants.check(opId > 0, "op id must be positive, got %d", opId);
        Invariants.check(key >= 0 && key < 128, "key %d outside [0, 128)", key);
        Invariants.check(value >= 0 && expected >= 0, "values must be >= 0: %d, %d", value, expected);
        Invariants.check(kind != Kind.PUT || value > 0, "a put writes a positive value, got %d", value);
    }

    static KvCommand put(int process, long opId, int key, long value) {
        return new KvCommand(Kind.PUT, process, opId, key, value, 0);
    }

    static KvCommand cas(int process, long opId, int key, long expected, long value) {
        return new KvCommand(Kind.CAS, process, opId, key, value, expected);
    }

    static KvCommand noop(long opId) {
        return new KvCommand(Kind.NOOP, -1, opId, 0, 0, 0);
    }

    byte[] encode() {
        return ByteBuffer.allocate(ENCODED_BYTES).put((byte) kind.ordinal()).putInt(process).putLong(opId)
                .put((byte) key).putLong(value).putLong(expected).array();
    }

    /** Decodes an entry's data; anything that is not exactly one command is a replication bug. */
    static KvCommand decode(byte[] data) {
        Invariants.check(data.length == ENCODED_BYTES, "command of %d bytes, expected %d", data.length, ENCODED_BYTES);
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int kind = buffer.get();
        Invariants.check(kind >= 0 && kind < Kind.values().length, "unknown command kind %d", kind);
        return new KvCommand(Kind.values()[kind], buffer.getInt(), buffer.getLong(), buffer.get(), buffer.getLong(),
                buffer.getLong());
    }

    @Override
    public String toString() {
        return switch (kind) {
            case PUT -> "put k" + key + "=" + value + " op=" + opId;
            case CAS -> "cas k" + key + " " + (expected == 0 ? "nil" : expected) + "->" + value + " op=" + opId;
            case NOOP -> "noop op=" + opId;
        };
    }
}
