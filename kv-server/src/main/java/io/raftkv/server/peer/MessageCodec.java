package io.raftkv.server.peer;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Message;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one mapping between raft-core's {@link Message} records and the wire's {@link RaftMessage}
 * (plus {@link Entry}, {@link ConfState} and {@link SnapshotMetadata}). Protobuf stops here.
 *
 * <p>Encoding trusts its input: records already checked their invariants when built. Decoding
 * trusts nothing: it rejects node id 0, a missing or unknown body, unknown entry types, and uint64
 * values above {@link Long#MAX_VALUE} (which Java sees as negative), and it turns the
 * {@link AssertionError} that a record constructor throws for a broken invariant into a
 * {@link MalformedMessageException}, so a peer's bytes can never stop this node.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageCodec {
    private MessageCodec() {}

    public static RaftMessage encode(Message message) {
        RaftMessage.Builder out = RaftMessage.newBuilder()
                .setFrom(message.from()).setTo(message.to()).setTerm(message.term());
        switch (message) {
            case Message.AppendEntries m -> {
                io.raftkv.proto.raft.AppendEntries.Builder body = io.raftkv.proto.raft.AppendEntries.newBuilder()
                        .setPrevLogIndex(m.prevLogIndex()).setPrevLogTerm(m.prevLogTerm()).setCommit(m.commit());
                for (Entry entry : m.entries()) {
                    body.addEntries(encodeEntry(entry));
                }
                out.setAppendEntries(body);
            }
            case Message.AppendResponse m -> out.setAppendResponse(io.raftkv.proto.raft.AppendResponse.newBuilder()
                    .setIndex(m.index()).setReject(m.reject())
                    .setRejectHintIndex(m.rejectHintIndex()).setRejectHintTerm(m.rejectHintTerm()));
            case Message.RequestVote m -> out.setRequestVote(io.raftkv.proto.raft.RequestVote.newBuilder()
                    .setLastLogIndex(m.lastLogIndex()).setLastLogTerm(m.lastLogTerm())
                    .setPreVote(m.preVote()).setTransfer(m.transfer()));
            case Message.VoteResponse m -> out.setVoteResponse(io.raftkv.proto.raft.VoteResponse.newBuilder()
                    .setPreVote(m.preVote()).setReject(m.reject()));
            case Message.Heartbeat m -> out.setHeartbeat(io.raftkv.proto.raft.Heartbeat.newBuilder()
                    .setCommit(m.commit()).setContext(m.context()));
            case Message.HeartbeatResponse m -> out.setHeartbeatResponse(
                    io.raftkv.proto.raft.HeartbeatResponse.newBuilder().setContext(m.context()));
            case Message.InstallSnapshot m -> out.setInstallSnapshot(io.raftkv.proto.raft.InstallSnapshot.newBuilder()
                    .setMetadata(encodeSnapshotMetadata(m.snapshot().metadata()))
                    .setData(ByteString.copyFrom(m.snapshot().data())));
            case Message.TimeoutNow m -> out.setTimeoutNow(io.raftkv.proto.raft.TimeoutNow.getDefaultInstance());
            case Message.ReadIndexRequest m -> out.setReadIndexRequest(
                    io.raftkv.proto.raft.ReadIndexRequest.newBuilder().setContext(m.context()));
            case Message.ReadIndexResponse m -> out.setReadIndexResponse(
                    io.raftkv.proto.raft.ReadIndexResponse.newBuilder().setContext(m.context()).setIndex(m.index()));
        }
        return out.build();
    }

    public static Message decode(RaftMessage in) throws MalformedMessageException {
        long from = positive(in.getFrom(), "from");
        long to = positive(in.getTo(), "to");
        long term = uint64(in.getTerm(), "term");
        try {
            return decodeBody(in, from, to, term);
        } catch (AssertionError e) {
            throw new MalformedMessageException(describe(in) + ": " + e.getMessage(), e);
        }
    }

    private static Message decodeBody(RaftMessage in, long from, long to, long term) throws MalformedMessageException {
        return switch (in.getBodyCase()) {
            case APPEND_ENTRIES -> {
                io.raftkv.proto.raft.AppendEntries b = in.getAppendEntries();
                List<Entry> entries = new ArrayList<>(b.getEntriesCount());
                for (io.raftkv.proto.raft.Entry entry : b.getEntriesList()) {
                    entries.add(decodeEntry(entry));
                }
                yield new Message.AppendEntries(from, to, term, uint64(b.getPrevLogIndex(), "prev_log_index"),
                        uint64(b.getPrevLogTerm(), "prev_log_term"), entries, uint64(b.getCommit(), "commit"));
            }
            case APPEND_RESPONSE -> {
                io.raftkv.proto.raft.AppendResponse b = in.getAppendResponse();
                yield new Message.AppendResponse(from, to, term, uint64(b.getIndex(), "index"), b.getReject(),
                        uint64(b.getRejectHintIndex(), "reject_hint_index"),
                        uint64(b.getRejectHintTerm(), "reject_hint_term"));
            }
            case REQUEST_VOTE -> {
                io.raftkv.proto.raft.RequestVote b = in.getRequestVote();
                yield new Message.RequestVote(from, to, term, uint64(b.getLastLogIndex(), "last_log_index"),
                        uint64(b.getLastLogTerm(), "last_log_term"), b.getPreVote(), b.getTransfer());
            }
            case VOTE_RESPONSE -> new Message.VoteResponse(from, to, term,
                    in.getVoteResponse().getPreVote(), in.getVoteResponse().getReject());
            case HEARTBEAT -> new Message.Heartbeat(from, to, term,
                    uint64(in.getHeartbeat().getCommit(), "commit"), uint64(in.getHeartbeat().getContext(), "context"));
            case HEARTBEAT_RESPONSE -> new Message.HeartbeatResponse(from, to, term,
                    uint64(in.getHeartbeatResponse().getContext(), "context"));
            case INSTALL_SNAPSHOT -> {
                io.raftkv.proto.raft.InstallSnapshot b = in.getInstallSnapshot();
                if (!b.hasMetadata()) {
                    throw new MalformedMessageException(describe(in) + ": install snapshot without metadata");
                }
                Snapshot snapshot = new Snapshot(decodeSnapshotMetadata(b.getMetadata()), b.getData().toByteArray());
                yield new Message.InstallSnapshot(from, to, term, snapshot);
            }
            case TIMEOUT_NOW -> new Message.TimeoutNow(from, to, term);
            case READ_INDEX_REQUEST -> new Message.ReadIndexRequest(from, to, term,
                    uint64(in.getReadIndexRequest().getContext(), "context"));
            case READ_INDEX_RESPONSE -> new Message.ReadIndexResponse(from, to, term,
                    uint64(in.getReadIndexResponse().getContext(), "context"),
                    uint64(in.getReadIndexResponse().getIndex(), "index"));
            // A newer peer's body kind arrives as an unknown field, so it also lands here.
            case BODY_NOT_SET -> throw new MalformedMessageException(describe(in) + ": no body (unknown message kind?)");
        };
    }

    /**
     * Entry data is wrapped, not copied: {@link Entry} documents that its array is never mutated
     * once handed to the core, and copying every entry on the leader's hot path would double the
     * bytes it touches.
     */
    public static io.raftkv.proto.raft.Entry encodeEntry(Entry entry) {
        return io.raftkv.proto.raft.Entry.newBuilder()
                .setIndex(entry.index()).setTerm(entry.term())
                .setType(switch (entry.type()) {
                    case NORMAL -> io.raftkv.proto.raft.EntryType.ENTRY_NORMAL;
                    case CONF_CHANGE -> io.raftkv.proto.raft.EntryType.ENTRY_CONF_CHANGE;
                })
                .setData(UnsafeByteOperations.unsafeWrap(entry.data()))
                .build();
    }

    public static Entry decodeEntry(io.raftkv.proto.raft.Entry in) throws MalformedMessageException {
        EntryType type = switch (in.getType()) {
            case ENTRY_NORMAL -> EntryType.NORMAL;
            case ENTRY_CONF_CHANGE -> EntryType.CONF_CHANGE;
            case UNRECOGNIZED -> throw new MalformedMessageException(
                    "entry " + in.getIndex() + " has unknown type " + in.getTypeValue());
        };
        long index = positive(in.getIndex(), "entry index");
        long term = positive(in.getTerm(), "entry term");
        return new Entry(index, term, type, in.getData().toByteArray());
    }

    public static io.raftkv.proto.raft.ConfState encodeConfState(ConfState conf) {
        return io.raftkv.proto.raft.ConfState.newBuilder()
                .addAllVoters(conf.voters()).addAllLearners(conf.learners())
                .addAllVotersOutgoing(conf.votersOutgoing()).addAllLearnersNext(conf.learnersNext())
                .setAutoLeave(conf.autoLeave())
                .build();
    }

    public static ConfState decodeConfState(io.raftkv.proto.raft.ConfState in) throws MalformedMessageException {
        try {
            return new ConfState(nodeIds(in.getVotersList(), "voters"), nodeIds(in.getLearnersList(), "learners"),
                    nodeIds(in.getVotersOutgoingList(), "voters_outgoing"),
                    nodeIds(in.getLearnersNextList(), "learners_next"), in.getAutoLeave());
        } catch (AssertionError e) {
            throw new MalformedMessageException("conf state: " + e.getMessage(), e);
        }
    }

    public static io.raftkv.proto.raft.SnapshotMetadata encodeSnapshotMetadata(SnapshotMetadata metadata) {
        return io.raftkv.proto.raft.SnapshotMetadata.newBuilder()
                .setIndex(metadata.index()).setTerm(metadata.term())
                .setConfState(encodeConfState(metadata.confState()))
                .build();
    }

    public static SnapshotMetadata decodeSnapshotMetadata(io.raftkv.proto.raft.SnapshotMetadata in)
            throws MalformedMessageException {
        ConfState conf = decodeConfState(in.getConfState());
        long index = uint64(in.getIndex(), "snapshot index");
        long term = uint64(in.getTerm(), "snapshot term");
        try {
            return new SnapshotMetadata(index, term, conf);
        } catch (AssertionError e) {
            throw new MalformedMessageException("snapshot metadata: " + e.getMessage(), e);
        }
    }

    /** Duplicates are rejected rather than collapsed: a sender that repeats an id is confused about membership. */
    private static Set<Long> nodeIds(List<Long> ids, String field) throws MalformedMessageException {
        TreeSet<Long> out = new TreeSet<>();
        for (long id : ids) {
            positive(id, field);
            if (!out.add(id)) {
                throw new MalformedMessageException(field + " lists node " + id + " twice");
            }
        }
        return out;
    }

    private static long positive(long value, String field) throws MalformedMessageException {
        if (value == 0) {
            throw new MalformedMessageException(field + " must be non-zero");
        }
        return uint64(value, field);
    }

    /** A uint64 above Long.MAX_VALUE reads as negative; no index, term or id legitimately gets there. */
    private static long uint64(long value, String field) throws MalformedMessageException {
        if (value < 0) {
            throw new MalformedMessageException(field + " out of range: " + Long.toUnsignedString(value));
        }
        return value;
    }

    private static String describe(RaftMessage in) {
        return "message " + in.getBodyCase().name().toLowerCase(java.util.Locale.ROOT)
                + " from=" + Long.toUnsignedString(in.getFrom()) + " to=" + Long.toUnsignedString(in.getTo())
                + " term=" + Long.toUnsignedString(in.getTerm());
    }
}
