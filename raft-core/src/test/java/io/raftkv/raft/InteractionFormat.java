package io.raftkv.raft;

import io.raftkv.raft.Message.AppendEntries;
import io.raftkv.raft.Message.AppendResponse;
import io.raftkv.raft.Message.Heartbeat;
import io.raftkv.raft.Message.HeartbeatResponse;
import io.raftkv.raft.Message.InstallSnapshot;
import io.raftkv.raft.Message.ReadIndexRequest;
import io.raftkv.raft.Message.ReadIndexResponse;
import io.raftkv.raft.Message.RequestVote;
import io.raftkv.raft.Message.TimeoutNow;
import io.raftkv.raft.Message.VoteResponse;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChangeCodec;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;

/**
 * How interaction scripts print the core's values: one compact, stable line per message or entry,
 * ids as term/index (the {@link EntryId} order), data as quoted strings. Changing a format here
 * changes every script, so formats only grow.
 */
final class InteractionFormat {
    private InteractionFormat() {}

    static String message(Message message) {
        String head = message.from() + "->" + message.to() + " " + message.getClass().getSimpleName()
                + " term=" + message.term();
        return head + switch (message) {
            case AppendEntries m -> " prev=" + m.prevLogTerm() + "/" + m.prevLogIndex() + " commit=" + m.commit()
                    + (m.entries().isEmpty() ? "" : " entries=[" + entries(m.entries()) + "]");
            case AppendResponse m -> m.reject()
                    ? " reject index=" + m.index() + " hint=" + m.rejectHintTerm() + "/" + m.rejectHintIndex()
                    : " index=" + m.index();
            case RequestVote m -> " last=" + m.lastLogTerm() + "/" + m.lastLogIndex()
                    + (m.preVote() ? " pre-vote" : "") + (m.transfer() ? " transfer" : "");
            case VoteResponse m -> (m.reject() ? " rejected" : " granted") + (m.preVote() ? " pre-vote" : "");
            case Heartbeat m -> " commit=" + m.commit() + (m.context() != 0 ? " context=" + m.context() : "");
            case HeartbeatResponse m -> m.context() != 0 ? " context=" + m.context() : "";
            case InstallSnapshot m -> " " + snapshot(m.snapshot());
            case TimeoutNow m -> "";
            case ReadIndexRequest m -> " context=" + m.context();
            case ReadIndexResponse m -> " context=" + m.context() + " index=" + m.index();
        };
    }

    static String entries(List<Entry> entries) {
        return entries.stream().map(InteractionFormat::entry).collect(Collectors.joining(", "));
    }

    static String entry(Entry entry) {
        String id = entry.term() + "/" + entry.index();
        return switch (entry.type()) {
            case NORMAL -> id + " " + quote(entry.data());
            case CONF_CHANGE -> id + " conf(" + confChange(ConfChangeCodec.decode(entry.data())) + ")";
        };
    }

    /** A conf change in the syntax {@code propose-conf-change} takes: {@code v4 l5 r2 transition=explicit}. */
    static String confChange(ConfChange change) {
        if (change.isLeaveJoint()) {
            return "leave-joint";
        }
        StringJoiner text = new StringJoiner(" ");
        for (ConfChange.Change single : change.changes()) {
            String prefix = switch (single.type()) {
                case ADD_VOTER -> "v";
                case ADD_LEARNER -> "l";
                case REMOVE -> "r";
            };
            text.add(prefix + single.nodeId());
        }
        switch (change.transition()) {
            case AUTO -> { }
            case JOINT_IMPLICIT -> text.add("transition=joint");
            case JOINT_EXPLICIT -> text.add("transition=explicit");
        }
        if (change.context().length > 0) {
            text.add("context=" + quote(change.context()));
        }
        return text.toString();
    }

    static String snapshot(Snapshot snapshot) {
        return "snapshot=" + snapshot.term() + "/" + snapshot.index() + " " + confState(snapshot.metadata().confState())
                + " data=" + quote(snapshot.data());
    }

    static String confState(ConfState state) {
        StringBuilder text = new StringBuilder("voters=" + ids(state.voters()));
        if (!state.votersOutgoing().isEmpty()) {
            text.append("&&").append(ids(state.votersOutgoing()));
        }
        if (!state.learners().isEmpty()) {
            text.append(" learners=").append(ids(state.learners()));
        }
        if (!state.learnersNext().isEmpty()) {
            text.append(" learners-next=").append(ids(state.learnersNext()));
        }
        if (state.autoLeave()) {
            text.append(" autoleave");
        }
        return text.toString();
    }

    static String ids(Collection<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "(", ")"));
    }

    static String hardState(HardState state) {
        return "term=" + state.term() + " vote=" + state.vote() + " commit=" + state.commit();
    }

    static String softState(SoftState state) {
        return "role=" + state.role() + " leader=" + state.leader();
    }

    static String result(ProposeResult result) {
        return switch (result) {
            case ProposeResult.Accepted accepted -> "accepted " + accepted.term() + "/" + accepted.index();
            case ProposeResult.Pending ignored -> "pending";
            case ProposeResult.Dropped dropped -> "dropped " + dropped.reason() + ": " + dropped.detail();
        };
    }

    static String quote(byte[] data) {
        return "\"" + new String(data, StandardCharsets.UTF_8) + "\"";
    }
}
