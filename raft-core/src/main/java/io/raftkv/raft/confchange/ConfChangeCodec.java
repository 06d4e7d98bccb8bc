package io.raftkv.raft.confchange;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte form of a {@link ConfChange} inside a CONF_CHANGE entry. Every replica decodes the same
 * bytes, so the format is fixed: version byte, transition ordinal, count, (type ordinal, id) per
 * change, then the context's length and bytes.
 */
public final class ConfChangeCodec {
    private static final byte VERSION = 1;
    /** A change touching more nodes than this is rejected: no cluster needs it. */
    public static final int CHANGES_MAX = 64;

    private ConfChangeCodec() {}

    public static byte[] encode(ConfChange change) {
        if (change.changes().size() > CHANGES_MAX) {
            throw new IllegalArgumentException("conf change has " + change.changes().size() + " changes, max " + CHANGES_MAX);
        }
        ByteBuffer buffer = ByteBuffer.allocate(3 + change.changes().size() * 9 + 4 + change.context().length);
        buffer.put(VERSION).put((byte) change.transition().ordinal()).put((byte) change.changes().size());
        for (ConfChange.Change single : change.changes()) {
            buffer.put((byte) single.type().ordinal()).putLong(single.nodeId());
        }
        buffer.putInt(change.context().length).put(change.context());
        return buffer.array();
    }

    public static ConfChange decode(byte[] data) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(data);
            byte version = buffer.get();
            if (version != VERSION) {
                throw new IllegalArgumentException("unknown conf change version " + version);
            }
            ConfChange.Transition transition = ConfChange.Transition.values()[buffer.get()];
            int count = buffer.get();
            if (count < 0 || count > CHANGES_MAX) {
                throw new IllegalArgumentException("conf change count " + count + " outside [0, " + CHANGES_MAX + "]");
            }
            List<ConfChange.Change> changes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                ConfChange.ChangeType type = ConfChange.ChangeType.values()[buffer.get()];
                long nodeId = buffer.getLong();
                if (nodeId <= 0) {
                    // Checked here: Change's own check is an AssertionError, which the catch below would miss.
                    throw new IllegalArgumentException("conf change node id " + nodeId + " is not > 0");
                }
                changes.add(new ConfChange.Change(type, nodeId));
            }
            int contextLength = buffer.getInt();
            if (contextLength < 0 || contextLength > ConfChange.CONTEXT_BYTES_MAX || contextLength > buffer.remaining()) {
                throw new IllegalArgumentException("conf change context length " + contextLength + " is invalid");
            }
            byte[] context = new byte[contextLength];
            buffer.get(context);
            if (buffer.hasRemaining()) {
                throw new IllegalArgumentException("conf change has " + buffer.remaining() + " trailing bytes");
            }
            return new ConfChange(transition, changes, context);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("malformed conf change: " + e, e);
        }
    }
}
