package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.command.Command;
import io.raftkv.proto.command.ExpireSessions;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Builders for log entries and client requests used across the storage tests. */
final class TestEntries {
    private TestEntries() {}

    static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    static Entry normal(long index, long term, String data) {
        return Entry.normal(index, term, data.getBytes(StandardCharsets.UTF_8));
    }

    /** Entries first..last, all in one term, with data "e<index>". */
    static List<Entry> run(long first, long last, long term) {
        List<Entry> out = new ArrayList<>();
        for (long index = first; index <= last; index++) {
            out.add(normal(index, term, "e" + index));
        }
        return out;
    }

    static Entry command(long index, Command command) {
        return new Entry(index, 1, EntryType.NORMAL, command.toByteArray());
    }

    static Command put(String key, String value) {
        return Command.newBuilder().setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))).build();
    }

    static Command putWithPrevious(String key, String value) {
        return Command.newBuilder()
                .setPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).setPrevKv(true)).build();
    }

    static Command deleteRange(String key, String rangeEnd, boolean previous) {
        return Command.newBuilder().setDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key))
                .setRangeEnd(bytes(rangeEnd)).setPrevKv(previous)).build();
    }

    static Command txn(List<Compare> compares, List<RequestOp> success, List<RequestOp> failure) {
        return Command.newBuilder().setTxn(TxnRequest.newBuilder().addAllCompare(compares).addAllSuccess(success)
                .addAllFailure(failure)).build();
    }

    static RequestOp putOp(String key, String value) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))).build();
    }

    static RequestOp rangeOp(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    static RequestOp deleteOp(String key) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    static Command withSession(Command command, long clientId, long sequence, long proposedAtMillis) {
        return command.toBuilder().setRequestId(RequestId.newBuilder().setClientId(clientId).setSequence(sequence))
                .setProposedAtMillis(proposedAtMillis).build();
    }

    static Command expireSessions(long nowMillis) {
        return Command.newBuilder().setExpireSessions(ExpireSessions.newBuilder().setNowMillis(nowMillis)).build();
    }

    static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    static RangeRequest range(String key, String rangeEnd) {
        return RangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(rangeEnd)).build();
    }
}
