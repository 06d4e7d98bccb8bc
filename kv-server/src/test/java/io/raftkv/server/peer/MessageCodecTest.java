package io.raftkv.server.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.raft.AppendEntries;
import io.raftkv.proto.raft.ConfState;
import io.raftkv.proto.raft.Entry;
import io.raftkv.proto.raft.EntryType;
import io.raftkv.proto.raft.Heartbeat;
import io.raftkv.proto.raft.InstallSnapshot;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.SnapshotMetadata;
import io.raftkv.raft.Message;
import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {
    /** Override with -Dpeer.seed=... to replay a failure. */
    private static final long SEED = Long.getLong("peer.seed", 20_240_607L);
    private static final int ROUNDS = 500;

    static Stream<Arguments> kinds() {
        return new RandomMessages(new SplittableRandom(SEED)).kinds().stream()
                .map(kind -> Arguments.of(kind.getSimpleName(), kind));
    }

    @Test
    void everyMessageKindHasARandomGenerator() {
        Set<Class<?>> permitted = Set.of(Message.class.getPermittedSubclasses());
        Set<Class<?>> generated = Set.copyOf(new RandomMessages(new SplittableRandom(SEED)).kinds());
        assertEquals(permitted, generated, "RandomMessages.kinds() must list every Message record");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void randomMessagesSurviveEncodeSerializeParseDecode(String name, Class<? extends Message> kind) throws Exception {
        long seed = SEED ^ name.hashCode();
        RandomMessages messages = new RandomMessages(new SplittableRandom(seed));
        for (int round = 0; round < ROUNDS; round++) {
            Message original = messages.of(kind);
            RaftMessage wire = RaftMessage.parseFrom(MessageCodec.encode(original).toByteArray());
            Message decoded = MessageCodec.decode(wire);
            assertEquals(original, decoded, "round " + round + " (replay with -Dpeer.seed=" + SEED + ")");
        }
    }

    @Test
    void confStateAndMetadataRoundTripOnTheirOwn() throws Exception {
        RandomMessages messages = new RandomMessages(new SplittableRandom(SEED));
        for (int round = 0; round < ROUNDS; round++) {
            io.raftkv.raft.ConfState conf = messages.confState();
            assertEquals(conf, MessageCodec.decodeConfState(MessageCodec.encodeConfState(conf)));
            io.raftkv.raft.SnapshotMetadata metadata = new io.raftkv.raft.SnapshotMetadata(round + 1, round + 2, conf);
            assertEquals(metadata, MessageCodec.decodeSnapshotMetadata(MessageCodec.encodeSnapshotMetadata(metadata)));
        }
    }

    @Test
    void emptySnapshotMetadataRoundTrips() throws Exception {
        assertEquals(io.raftkv.raft.SnapshotMetadata.EMPTY,
                MessageCodec.decodeSnapshotMetadata(MessageCodec.encodeSnapshotMetadata(io.raftkv.raft.SnapshotMetadata.EMPTY)));
    }

    static Stream<Arguments> malformed() {
        RaftMessage heartbeat = RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(3)
                .setHeartbeat(Heartbeat.newBuilder().setCommit(4)).build();
        Entry entry = Entry.newBuilder().setIndex(11).setTerm(2).setType(EntryType.ENTRY_NORMAL).build();
        SnapshotMetadata metadata = SnapshotMetadata.newBuilder().setIndex(5).setTerm(2)
                .setConfState(ConfState.newBuilder().addVoters(1).addVoters(2)).build();
        RaftMessage.Builder snapshot = RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(3);
        return Stream.of(
                row("from is zero", heartbeat.toBuilder().setFrom(0).build(), "from must be non-zero"),
                row("to is zero", heartbeat.toBuilder().setTo(0).build(), "to must be non-zero"),
                row("term beyond long range", heartbeat.toBuilder().setTerm(-1).build(), "term out of range: 18446744073709551615"),
                row("no body", RaftMessage.newBuilder().setFrom(1).setTo(2).build(), "no body"),
                row("commit beyond long range", heartbeat.toBuilder()
                        .setHeartbeat(Heartbeat.newBuilder().setCommit(Long.MIN_VALUE)).build(), "commit out of range"),
                row("entries not contiguous", append(10, entry, entry.toBuilder().setIndex(13).build()),
                        "append entries must be contiguous"),
                row("entries not after prev", append(4, entry), "append entries must be contiguous"),
                row("entry index zero", append(0, entry.toBuilder().setIndex(0).build()), "entry index must be non-zero"),
                row("entry term zero", append(10, entry.toBuilder().setTerm(0).build()), "entry term must be non-zero"),
                row("entry type unknown", append(10, entry.toBuilder().setTypeValue(7).build()), "unknown type 7"),
                row("snapshot without metadata", snapshot.clone()
                        .setInstallSnapshot(InstallSnapshot.newBuilder().setData(ByteString.copyFromUtf8("snap-2-5"))).build(),
                        "install snapshot without metadata"),
                row("snapshot at index zero", snapshot.clone().setInstallSnapshot(InstallSnapshot.newBuilder()
                        .setMetadata(SnapshotMetadata.newBuilder())).build(), "empty snapshot"),
                row("snapshot index without term", snapshot.clone().setInstallSnapshot(InstallSnapshot.newBuilder()
                        .setMetadata(metadata.toBuilder().setTerm(0))).build(), "zero together"),
                row("learner also voter", snapshot.clone().setInstallSnapshot(InstallSnapshot.newBuilder()
                        .setMetadata(metadata.toBuilder().setConfState(ConfState.newBuilder().addVoters(1).addLearners(1))))
                        .build(), "both learner and voter"),
                row("voter listed twice", snapshot.clone().setInstallSnapshot(InstallSnapshot.newBuilder()
                        .setMetadata(metadata.toBuilder().setConfState(ConfState.newBuilder().addVoters(1).addVoters(1))))
                        .build(), "lists node 1 twice"),
                row("voter id zero", snapshot.clone().setInstallSnapshot(InstallSnapshot.newBuilder()
                        .setMetadata(metadata.toBuilder().setConfState(ConfState.newBuilder().addVoters(0))))
                        .build(), "voters must be non-zero"),
                row("auto leave outside joint", snapshot.clone().setInstallSnapshot(InstallSnapshot.newBuilder()
                        .setMetadata(metadata.toBuilder().setConfState(ConfState.newBuilder().addVoters(1).setAutoLeave(true))))
                        .build(), "autoLeave"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMessagesAreRejectedWithTheirProblem(String name, RaftMessage input, String problem) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(input));
        assertTrue(e.getMessage().contains(problem), () -> "expected '" + problem + "' in: " + e.getMessage());
    }

    @Test
    void anUnknownBodyFromANewerPeerIsRejectedNotIgnored() throws Exception {
        // Field 99 stands for a message kind this version does not know; protobuf keeps it as an unknown field.
        byte[] known = RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(3).build().toByteArray();
        byte[] unknownBody = {(byte) (99 << 3 | 2), 0};
        byte[] wire = Arrays.copyOf(known, known.length + unknownBody.length);
        System.arraycopy(unknownBody, 0, wire, known.length, unknownBody.length);
        RaftMessage parsed = RaftMessage.parseFrom(wire);
        assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(parsed));
    }

    @Test
    void everyBodyCaseIsHandledByTheDecoder() {
        Set<RaftMessage.BodyCase> covered = new RandomMessages(new SplittableRandom(SEED)).kinds().stream()
                .map(kind -> MessageCodec.encode(new RandomMessages(new SplittableRandom(SEED)).of(kind)).getBodyCase())
                .collect(Collectors.toSet());
        Set<RaftMessage.BodyCase> all = Arrays.stream(RaftMessage.BodyCase.values())
                .filter(c -> c != RaftMessage.BodyCase.BODY_NOT_SET).collect(Collectors.toSet());
        assertEquals(all, covered, "every proto body kind maps to a record");
    }

    private static RaftMessage append(long prevLogIndex, Entry... entries) {
        return RaftMessage.newBuilder().setFrom(1).setTo(2).setTerm(3)
                .setAppendEntries(AppendEntries.newBuilder().setPrevLogIndex(prevLogIndex).setPrevLogTerm(1)
                        .addAllEntries(List.of(entries)))
                .build();
    }

    private static Arguments row(String name, RaftMessage input, String problem) {
        return Arguments.of(name, input, problem);
    }
}
