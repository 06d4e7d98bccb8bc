package io.raftkv.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.command.NodeIdentity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The {@code identity} file: which cluster and node a data directory belongs to. Layout:
 * {@code magic "RKID" (4) | length (4) | NodeIdentity proto | crc32c of the proto (4)}. Written once,
 * atomically; read on every start.
 */
final class IdentityFile {
    private static final int MAGIC = 0x524b4944; // "RKID"
    private static final int LENGTH_MAX = 1024;

    private IdentityFile() {}

    static void write(Path file, NodeIdentity identity) {
        byte[] proto = identity.toByteArray();
        ByteBuffer buffer = ByteBuffer.allocate(12 + proto.length);
        buffer.putInt(MAGIC).putInt(proto.length).put(proto).putInt(crc(proto));
        FileSync.writeAtomically(file, buffer.array());
    }

    /** @throws DataDirectoryException naming the file if it is unreadable or corrupt */
    static NodeIdentity read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read identity file " + file + ": " + e, e);
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < 12 || buffer.getInt() != MAGIC) {
            throw corrupt(file, "not an identity file (bad header)");
        }
        int length = buffer.getInt();
        if (length < 0 || length > LENGTH_MAX || length != bytes.length - 12) {
            throw corrupt(file, "length " + length + " does not match the file size " + bytes.length);
        }
        byte[] proto = new byte[length];
        buffer.get(proto);
        int stored = buffer.getInt();
        if (stored != crc(proto)) {
            throw corrupt(file, String.format("CRC32C mismatch (stored %08x, computed %08x)", stored, crc(proto)));
        }
        try {
            return NodeIdentity.parseFrom(proto);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt(file, e.getMessage());
        }
    }

    private static DataDirectoryException corrupt(Path file, String why) {
        return new DataDirectoryException("identity file " + file + " is corrupt (" + why
                + "); refusing to start: restore the file or wipe the data directory and rejoin the cluster");
    }

    private static int crc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        return (int) crc.getValue();
    }
}
