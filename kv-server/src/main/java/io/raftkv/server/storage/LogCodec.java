package io.raftkv.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The byte layout of the log store's records (the values of {@link WalFrames}). Every value starts
 * with a CRC32C of the rest, checked on every read, so a flipped bit is reported as
 * {@link CorruptLogException} instead of being fed to Raft.
 * <ul>
 *   <li>Entry: {@code crc32c(4) | index(8) | term(8) | type(1) | data}; the CRC covers index, term, type, data.</li>
 *   <li>Hard state: {@code crc32c(4) | term(8) | vote(8) | commit(8)}.</li>
 *   <li>Boundary: {@code crc32c(4) | index(8) | term(8) | ConfState proto}.</li>
 *   <li>Snapshot: {@code crc32c(4) | index(8) | term(8) | length(4) | ConfState proto | descriptor}.</li>
 * </ul>
 */
final class LogCodec {
    private static final int CRC_BYTES = 4;
    private static final int ENTRY_HEADER_BYTES = CRC_BYTES + 8 + 8 + 1;

    private LogCodec() {}

    static byte[] encodeEntry(Entry entry) {
        ByteBuffer buffer = ByteBuffer.allocate(ENTRY_HEADER_BYTES + entry.data().length);
        buffer.position(CRC_BYTES);
        buffer.putLong(entry.index()).putLong(entry.term()).put((byte) entry.type().ordinal()).put(entry.data());
        return sealed(buffer.array());
    }

    /** Decodes an entry value whose index is not known beforehand (a WAL replay), verifying its CRC. */
    static Entry decodeEntryValue(byte[] value) {
        if (value.length < ENTRY_HEADER_BYTES) {
            throw new CorruptLogException("log entry is corrupt: " + value.length + " bytes is too short");
        }
        return decodeEntry(ByteBuffer.wrap(value).getLong(CRC_BYTES), value);
    }

    /** Decodes the value stored under {@code keyIndex}, verifying its CRC and that it is that entry. */
    static Entry decodeEntry(long keyIndex, byte[] value) {
        if (value.length < ENTRY_HEADER_BYTES) {
            throw new CorruptLogException("log entry " + keyIndex + " is corrupt: " + value.length + " bytes is too short");
        }
        verify(value, "log entry " + keyIndex);
        ByteBuffer buffer = ByteBuffer.wrap(value, CRC_BYTES, value.length - CRC_BYTES);
        long index = buffer.getLong();
        long term = buffer.getLong();
        int type = buffer.get();
        if (index != keyIndex || term <= 0 || type < 0 || type >= EntryType.values().length) {
            throw new CorruptLogException("log entry " + keyIndex + " is corrupt: stored index=" + index
                    + " term=" + term + " type=" + type);
        }
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        return new Entry(index, term, EntryType.values()[type], data);
    }

    static byte[] encodeHardState(HardState state) {
        ByteBuffer buffer = ByteBuffer.allocate(CRC_BYTES + 24);
        buffer.position(CRC_BYTES);
        buffer.putLong(state.term()).putLong(state.vote()).putLong(state.commit());
        return sealed(buffer.array());
    }

    static HardState decodeHardState(byte[] value) {
        if (value.length != CRC_BYTES + 24) {
            throw new CorruptLogException("hard state record is corrupt: " + value.length + " bytes");
        }
        verify(value, "hard state record");
        ByteBuffer buffer = ByteBuffer.wrap(value, CRC_BYTES, 24);
        long term = buffer.getLong();
        long vote = buffer.getLong();
        long commit = buffer.getLong();
        if (term < 0 || vote < 0 || commit < 0) {
            throw new CorruptLogException("hard state record is corrupt: term=" + term + " vote=" + vote + " commit=" + commit);
        }
        return new HardState(term, vote, commit);
    }

    static byte[] encodeBoundary(LogBoundary boundary) {
        byte[] conf = ConfStateCodec.encode(boundary.confState());
        ByteBuffer buffer = ByteBuffer.allocate(CRC_BYTES + 16 + conf.length);
        buffer.position(CRC_BYTES);
        buffer.putLong(boundary.index()).putLong(boundary.term()).put(conf);
        return sealed(buffer.array());
    }

    static LogBoundary decodeBoundary(byte[] value) {
        if (value.length < CRC_BYTES + 16) {
            throw new CorruptLogException("log boundary record is corrupt: " + value.length + " bytes");
        }
        verify(value, "log boundary record");
        ByteBuffer buffer = ByteBuffer.wrap(value, CRC_BYTES, value.length - CRC_BYTES);
        long index = buffer.getLong();
        long term = buffer.getLong();
        ConfState conf = decodeConfState(buffer, buffer.remaining(), "log boundary record");
        if (index < 0 || term < 0 || (index == 0) != (term == 0)) {
            throw new CorruptLogException("log boundary record is corrupt: index=" + index + " term=" + term);
        }
        return new LogBoundary(index, term, conf);
    }

    static byte[] encodeSnapshot(Snapshot snapshot) {
        byte[] conf = ConfStateCodec.encode(snapshot.metadata().confState());
        ByteBuffer buffer = ByteBuffer.allocate(CRC_BYTES + 20 + conf.length + snapshot.data().length);
        buffer.position(CRC_BYTES);
        buffer.putLong(snapshot.index()).putLong(snapshot.term()).putInt(conf.length).put(conf).put(snapshot.data());
        return sealed(buffer.array());
    }

    static Snapshot decodeSnapshot(byte[] value) {
        if (value.length < CRC_BYTES + 20) {
            throw new CorruptLogException("snapshot record is corrupt: " + value.length + " bytes");
        }
        verify(value, "snapshot record");
        ByteBuffer buffer = ByteBuffer.wrap(value, CRC_BYTES, value.length - CRC_BYTES);
        long index = buffer.getLong();
        long term = buffer.getLong();
        int confLength = buffer.getInt();
        if (index <= 0 || term <= 0 || confLength < 0 || confLength > buffer.remaining()) {
            throw new CorruptLogException("snapshot record is corrupt: index=" + index + " term=" + term
                    + " conf length=" + confLength);
        }
        ConfState conf = decodeConfState(buffer, confLength, "snapshot record");
        byte[] descriptor = new byte[buffer.remaining()];
        buffer.get(descriptor);
        return new Snapshot(new SnapshotMetadata(index, term, conf), descriptor);
    }

    private static ConfState decodeConfState(ByteBuffer buffer, int length, String what) {
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        try {
            return ConfStateCodec.decode(bytes);
        } catch (InvalidProtocolBufferException | AssertionError e) {
            throw new CorruptLogException(what + " is corrupt: bad membership: " + e.getMessage());
        }
    }

    /** Writes the CRC32C of bytes [4, end) into bytes [0, 4). */
    private static byte[] sealed(byte[] record) {
        ByteBuffer.wrap(record).putInt(crc(record));
        return record;
    }

    private static void verify(byte[] record, String what) {
        int stored = ByteBuffer.wrap(record).getInt();
        int computed = crc(record);
        if (stored != computed) {
            throw new CorruptLogException(String.format("%s is corrupt: CRC32C mismatch (stored %08x, computed %08x)",
                    what, stored, computed));
        }
    }

    private static int crc(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record, CRC_BYTES, record.length - CRC_BYTES);
        return (int) crc.getValue();
    }
}
