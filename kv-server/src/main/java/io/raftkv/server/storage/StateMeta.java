package io.raftkv.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.api.Member;
import io.raftkv.raft.ConfState;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Reads and writes the state machine's position records ({@link AppliedState}) in its database. */
final class StateMeta {
    private StateMeta() {}

    static AppliedState read(KvReader reader, Path where) {
        byte[] applied = reader.get(StateKeys.APPLIED);
        long index = 0;
        long term = 0;
        if (applied != null) {
            check(applied.length == 16, where, "applied record has %d bytes", applied.length);
            ByteBuffer buffer = ByteBuffer.wrap(applied);
            index = buffer.getLong();
            term = buffer.getLong();
            check(index > 0 && term > 0, where, "applied record is %d/%d", term, index);
        }
        long revision = readRevision(reader, where);
        ConfState conf = ConfState.EMPTY;
        byte[] confBytes = reader.get(StateKeys.CONF_STATE);
        TreeMap<Long, Member> members = new TreeMap<>();
        try {
            if (confBytes != null) {
                conf = ConfStateCodec.decode(confBytes);
            }
            collectMembers(reader, members);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageFailedException("state machine in " + where + " is corrupt: membership: " + e.getMessage(), e);
        }
        return new AppliedState(index, term, revision, new Membership(conf, members));
    }

    static long readRevision(KvReader reader, Path where) {
        byte[] bytes = reader.get(StateKeys.REVISION);
        if (bytes == null) {
            return AppliedState.EMPTY.revision();
        }
        check(bytes.length == 8, where, "revision record has %d bytes", bytes.length);
        long revision = ByteBuffer.wrap(bytes).getLong();
        check(revision >= 1, where, "revision is %d", revision);
        return revision;
    }

    /** Writes what changed between two positions into the batch. */
    static void write(ApplyBatch batch, AppliedState before, AppliedState after) {
        batch.put(StateKeys.APPLIED, ByteBuffer.allocate(16).putLong(after.index()).putLong(after.term()).array());
        if (after.revision() != before.revision()) {
            batch.put(StateKeys.REVISION, ByteBuffer.allocate(8).putLong(after.revision()).array());
        }
        after.membership().writeChanges(batch, before.membership());
    }

    private static void collectMembers(KvReader reader, TreeMap<Long, Member> members) throws InvalidProtocolBufferException {
        List<byte[]> values = new ArrayList<>();
        reader.scan(StateKeys.tableStart(StateKeys.MEMBER), StateKeys.tableEnd(StateKeys.MEMBER), (key, value) -> values.add(value));
        for (byte[] value : values) {
            Member member = Member.parseFrom(value);
            members.put(member.getId(), member);
        }
    }

    private static void check(boolean condition, Path where, String format, Object... args) {
        if (!condition) {
            throw new StorageFailedException("state machine in " + where + " is corrupt: " + String.format(format, args));
        }
    }
}
