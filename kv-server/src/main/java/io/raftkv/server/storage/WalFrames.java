package io.raftkv.server.storage;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of the write-ahead log's segment files: {@code length(4) | crc32c(4) | kind(1) | value},
 * where value is a {@link LogCodec} record of {@code length} bytes and the CRC covers the kind and
 * the value (the value carries its own CRC as well, so a record read back alone is still checked).
 * Segments are zero-filled before use, so a length of zero is the end of what was written; the
 * codec never produces an empty value.
 */
final class WalFrames {
    static final int HEADER_BYTES = 9;
    /** A frame's value is at most this long: a length beyond it is a corrupt header. */
    static final int VALUE_BYTES_MAX = 1 << 30;
    private static final int SECTOR_BYTES = 512;

    /**
     * What a frame holds; the byte is the frame's kind on disk and must never be renumbered. A
     * BOUNDARY drops the entries up to it (a compaction). A leader's snapshot is one frame, so a torn
     * write cannot keep its record without its effect on the log: INSTALL when the log holds the
     * snapshot's entry (the entries after it stay), REPLACE when it does not (every entry goes). The
     * replay cannot tell those two apart by itself: the entry that decided it may be in a deleted segment.
     */
    enum Kind {
        ENTRY(1), HARD_STATE(2), SNAPSHOT(3), BOUNDARY(4), INSTALL(5), REPLACE(6);

        final byte code;

        Kind(int code) {
            this.code = (byte) code;
        }

        static Kind of(byte code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            return null;
        }
    }

    /** One frame read back: its kind, value and the offset just after it. */
    record Frame(Kind kind, byte[] value, int next) {}

    private WalFrames() {}

    static int frameBytes(byte[] value) {
        return HEADER_BYTES + value.length;
    }

    /** Writes one frame at the buffer's position, which the caller has made room for. */
    static void put(ByteBuffer out, Kind kind, byte[] value) {
        out.putInt(value.length).putInt(crc(kind.code, value)).put(kind.code).put(value);
    }

    /**
     * Reads the frame at {@code offset} of a segment's bytes. Returns null at the end of the written
     * part (a zero length). Throws {@link TornFrameException} when the frame's CRC fails and one of
     * the disk sectors it spans holds only zeros: a write the crash cut short (sectors are written
     * whole, and the file was zero-filled before use). A CRC failure without a zero sector, or a
     * length that cannot be, is damage to written data: {@link CorruptLogException}. etcd's WAL
     * tells the two apart the same way.
     */
    static Frame read(ByteBuffer segment, int offset) {
        int limit = segment.limit();
        if (offset + 4 > limit) {
            return null;
        }
        int length = segment.getInt(offset);
        if (length == 0) {
            return null;
        }
        if (length < 0 || length > VALUE_BYTES_MAX || (long) offset + HEADER_BYTES + length > limit) {
            throw new CorruptLogException("WAL frame at offset " + offset + " has length " + length
                    + ", past the segment's " + limit + " bytes");
        }
        int stored = segment.getInt(offset + 4);
        byte code = segment.get(offset + 8);
        byte[] value = new byte[length];
        segment.get(offset + HEADER_BYTES, value);
        int computed = crc(code, value);
        if (stored != computed) {
            String mismatch = String.format("CRC32C mismatch (stored %08x, computed %08x)", stored, computed);
            if (spansZeroSector(segment, offset, offset + HEADER_BYTES + length)) {
                throw new TornFrameException(offset, mismatch + " and a sector of zeros: a write cut short");
            }
            throw new CorruptLogException("WAL frame at offset " + offset + " is corrupt: " + mismatch);
        }
        Kind kind = Kind.of(code);
        if (kind == null) {
            // A whole frame with a valid CRC but a kind we never write: a bug or a newer format, not a torn write.
            throw new CorruptLogException("WAL frame at offset " + offset + " has unknown kind " + code);
        }
        return new Frame(kind, value, offset + HEADER_BYTES + length);
    }

    /**
     * Whether a whole 512-byte disk sector that overlaps [from, to) holds only zeros. The whole sector,
     * not just the frame's part of it: a frame's first bytes are often zeros (a length's high bytes),
     * and a corrupt frame must not pass for a torn one.
     */
    static boolean spansZeroSector(ByteBuffer bytes, int from, int to) {
        for (int sector = from - from % SECTOR_BYTES; sector < to; sector += SECTOR_BYTES) {
            int end = Math.min(sector + SECTOR_BYTES, bytes.limit());
            boolean zeros = true;
            for (int i = sector; i < end && zeros; i++) {
                zeros = bytes.get(i) == 0;
            }
            if (zeros) {
                return true;
            }
        }
        return false;
    }

    /** The value length a frame header read back at run time holds, refused if no frame can have it. */
    static int valueLength(ByteBuffer header, long offset) {
        int length = header.getInt(0);
        if (length <= 0 || length > VALUE_BYTES_MAX) {
            throw new CorruptLogException("WAL frame at offset " + offset + " has length " + length);
        }
        return length;
    }

    /** Verifies a frame read back at run time (header then value); the bytes were intact at open. */
    static void verify(ByteBuffer header, byte[] value, Kind expected, long offset) {
        int stored = header.getInt(4);
        byte code = header.get(8);
        if (code != expected.code || stored != crc(code, value)) {
            throw new CorruptLogException(String.format("WAL frame at offset %d is corrupt: kind %d (expected %d), "
                    + "CRC32C stored %08x, computed %08x", offset, code, expected.code, stored, crc(code, value)));
        }
    }

    private static int crc(byte code, byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(code);
        crc.update(value);
        return (int) crc.getValue();
    }

    /** The bytes at an offset are not a whole frame. */
    static final class TornFrameException extends RuntimeException {
        final int offset;

        TornFrameException(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }
}
