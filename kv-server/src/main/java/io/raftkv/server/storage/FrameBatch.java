package io.raftkv.server.storage;

import java.nio.ByteBuffer;

/**
 * The frames of one save, gathered so they reach the segment in one write. The buffer is direct (a
 * heap buffer would be copied into a temporary direct one by every write) and reused; one grown
 * past {@link #RETAINED_BYTES_MAX} by a large save is dropped afterwards rather than kept.
 */
final class FrameBatch {
    private static final int INITIAL_BYTES = 64 << 10;
    private static final int RETAINED_BYTES_MAX = 4 << 20;

    private ByteBuffer buffer = ByteBuffer.allocateDirect(INITIAL_BYTES);

    void clear() {
        if (buffer.capacity() > RETAINED_BYTES_MAX) {
            buffer = ByteBuffer.allocateDirect(INITIAL_BYTES);
        }
        buffer.clear();
    }

    /** Adds a frame; returns its offset within the batch. */
    int add(WalFrames.Kind kind, byte[] value) {
        int bytes = WalFrames.frameBytes(value);
        if (buffer.remaining() < bytes) {
            grow(bytes);
        }
        int offset = buffer.position();
        WalFrames.put(buffer, kind, value);
        return offset;
    }

    int bytes() {
        return buffer.position();
    }

    /** The frames added, as a buffer positioned at zero; valid until the next add or clear. */
    ByteBuffer frames() {
        return buffer.duplicate().flip();
    }

    private void grow(int needed) {
        long capacity = Math.max((long) buffer.capacity() * 2, (long) buffer.position() + needed);
        if (capacity > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("one log save of " + capacity + " bytes is too large to write");
        }
        ByteBuffer larger = ByteBuffer.allocateDirect((int) capacity);
        larger.put(buffer.flip());
        buffer = larger;
    }
}
