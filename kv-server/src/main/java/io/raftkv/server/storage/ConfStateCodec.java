package io.raftkv.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.raft.ConfState;
import java.util.HashSet;

/** raft-core's {@link ConfState} to and from the raft.proto message, for records on disk. */
final class ConfStateCodec {
    private ConfStateCodec() {}

    static byte[] encode(ConfState state) {
        return toProto(state).toByteArray();
    }

    static io.raftkv.proto.raft.ConfState toProto(ConfState state) {
        return io.raftkv.proto.raft.ConfState.newBuilder()
                .addAllVoters(state.voters())
                .addAllLearners(state.learners())
                .addAllVotersOutgoing(state.votersOutgoing())
                .addAllLearnersNext(state.learnersNext())
                .setAutoLeave(state.autoLeave())
                .build();
    }

    static ConfState fromProto(io.raftkv.proto.raft.ConfState proto) {
        return new ConfState(new HashSet<>(proto.getVotersList()), new HashSet<>(proto.getLearnersList()),
                new HashSet<>(proto.getVotersOutgoingList()), new HashSet<>(proto.getLearnersNextList()),
                proto.getAutoLeave());
    }

    /** @throws InvalidProtocolBufferException if the bytes are not a ConfState */
    static ConfState decode(byte[] bytes) throws InvalidProtocolBufferException {
        return fromProto(io.raftkv.proto.raft.ConfState.parseFrom(bytes));
    }
}
