package io.raftkv.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.command.Command;
import io.raftkv.proto.raft.AppendEntries;
import io.raftkv.proto.raft.AppendResponse;
import io.raftkv.proto.raft.ConfState;
import io.raftkv.proto.raft.Entry;
import io.raftkv.proto.raft.EntryType;
import io.raftkv.proto.raft.Heartbeat;
import io.raftkv.proto.raft.HeartbeatResponse;
import io.raftkv.proto.raft.InstallSnapshot;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.ReadIndexRequest;
import io.raftkv.proto.raft.ReadIndexResponse;
import io.raftkv.proto.raft.RequestVote;
import io.raftkv.proto.raft.SnapshotChunk;
import io.raftkv.proto.raft.SnapshotMetadata;
import io.raftkv.proto.raft.TimeoutNow;
import io.raftkv.proto.raft.VoteResponse;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RaftMessageRoundTripTest {

  private static final long CLUSTER_ID = 0x5eed_cafe_f00dL;
  private static final long FROM = 1;
  private static final long TO = 2;
  private static final long TERM = 7;

  @Test
  void batchWithEveryMessageBodySurvivesSerialization() throws InvalidProtocolBufferException {
    MessageBatch batch = MessageBatch.newBuilder()
        .setClusterId(CLUSTER_ID)
        .setFrom(FROM)
        .addMessages(envelope().setAppendEntries(AppendEntries.newBuilder()
            .setPrevLogIndex(10)
            .setPrevLogTerm(6)
            .addEntries(entry(11, 7, EntryType.ENTRY_NORMAL, "put a=1"))
            // Unsigned fields must survive values above Long.MAX_VALUE.
            .addEntries(entry(-2L, 7, EntryType.ENTRY_CONF_CHANGE, "add 4"))
            .setCommit(9)))
        .addMessages(envelope().setAppendResponse(AppendResponse.newBuilder()
            .setIndex(10).setReject(true).setRejectHintIndex(8).setRejectHintTerm(5)))
        .addMessages(envelope().setRequestVote(RequestVote.newBuilder()
            .setLastLogIndex(12).setLastLogTerm(6).setPreVote(true).setTransfer(true)))
        .addMessages(envelope().setVoteResponse(VoteResponse.newBuilder()
            .setPreVote(true).setReject(true)))
        .addMessages(envelope().setHeartbeat(Heartbeat.newBuilder().setCommit(9).setContext(3)))
        .addMessages(envelope().setHeartbeatResponse(HeartbeatResponse.newBuilder().setContext(3)))
        .addMessages(envelope().setInstallSnapshot(InstallSnapshot.newBuilder()
            .setMetadata(snapshotMetadata())
            .setData(ByteString.copyFromUtf8("snapshot-100-6"))))
        .addMessages(envelope().setTimeoutNow(TimeoutNow.getDefaultInstance()))
        .addMessages(envelope().setReadIndexRequest(ReadIndexRequest.newBuilder().setContext(42)))
        .addMessages(envelope().setReadIndexResponse(ReadIndexResponse.newBuilder()
            .setContext(42).setIndex(11)))
        .build();

    MessageBatch parsed = MessageBatch.parseFrom(batch.toByteArray());

    assertEquals(batch, parsed);
    assertEquals(-2L, parsed.getMessages(0).getAppendEntries().getEntries(1).getIndex());
    // The batch covers every body: adding one to raft.proto without a test case fails here.
    Set<RaftMessage.BodyCase> expected = EnumSet.allOf(RaftMessage.BodyCase.class);
    expected.remove(RaftMessage.BodyCase.BODY_NOT_SET);
    Set<RaftMessage.BodyCase> covered = parsed.getMessagesList().stream()
        .map(RaftMessage::getBodyCase)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(RaftMessage.BodyCase.class)));
    assertEquals(expected, covered);
    assertEquals(expected.size(), parsed.getMessagesCount());
  }

  @Test
  void snapshotChunkSurvivesSerialization() throws InvalidProtocolBufferException {
    SnapshotChunk chunk = SnapshotChunk.newBuilder()
        .setClusterId(CLUSTER_ID).setFrom(FROM).setTo(TO).setTerm(TERM)
        .setMetadata(snapshotMetadata())
        .setFileName("state/000012.sst")
        .setOffset(1L << 20)
        .setData(ByteString.copyFromUtf8("bytes"))
        .setCrc32C(0xffff_ffff)
        .setLastChunkOfFile(true)
        .setLast(true)
        .build();

    SnapshotChunk parsed = SnapshotChunk.parseFrom(chunk.toByteArray());

    assertEquals(chunk, parsed);
    assertEquals(0xffff_ffff, parsed.getCrc32C());
  }

  @Test
  void commandEmbeddingAClientRequestSurvivesSerialization() throws InvalidProtocolBufferException {
    RequestId requestId = RequestId.newBuilder().setClientId(77).setSequence(3).build();
    Command command = Command.newBuilder()
        .setRequestId(requestId)
        .setProposedAtMillis(1_767_225_600_000L)
        .setPut(PutRequest.newBuilder()
            .setKey(ByteString.copyFromUtf8("a"))
            .setValue(ByteString.copyFromUtf8("1"))
            .setRequestId(requestId))
        .build();

    Command parsed = Command.parseFrom(command.toByteArray());

    assertEquals(command, parsed);
    assertEquals(Command.OpCase.PUT, parsed.getOpCase());
  }

  private static RaftMessage.Builder envelope() {
    return RaftMessage.newBuilder().setFrom(FROM).setTo(TO).setTerm(TERM);
  }

  private static Entry entry(long index, long term, EntryType type, String data) {
    return Entry.newBuilder()
        .setIndex(index)
        .setTerm(term)
        .setType(type)
        .setData(ByteString.copyFromUtf8(data))
        .build();
  }

  private static SnapshotMetadata snapshotMetadata() {
    return SnapshotMetadata.newBuilder()
        .setIndex(100)
        .setTerm(6)
        .setConfState(ConfState.newBuilder()
            .addVoters(1).addVoters(2).addVoters(3)
            .addLearners(4)
            .addVotersOutgoing(1).addVotersOutgoing(2)
            .addLearnersNext(5)
            .setAutoLeave(true))
        .build();
  }
}
