package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.TxnResponse;
import io.raftkv.proto.command.Command;
import io.raftkv.proto.command.SessionRecord;
import io.raftkv.raft.Entry;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;

/**
 * Applies the {@link Command} in a NORMAL entry. Every outcome is a function of the entry and the
 * state only (no clock, no configuration), so all replicas agree on it.
 *
 * <p>A command that does not parse, or that breaks a rule at apply time (an empty key, a compare
 * that contradicts its target, a range at an old revision inside a txn), becomes an
 * {@link ApplyResult.Error} and changes nothing. We do not crash on it: every replica holds the same
 * bytes, so a crash would take down the whole cluster, and again after each restart, on one bad
 * entry; the error instead answers the client and leaves all replicas in the same state.
 *
 * <p>Exactly-once (thesis §6.3): a write with client id 0 has no session and is applied every time.
 * Otherwise a sequence above the session's last one is applied and recorded with its response; the
 * same sequence again is answered with the recorded response, applying nothing (and refreshing
 * last_seen); a lower one is refused as stale. Failed commands do not advance the session.
 */
final class CommandApplier {
    private CommandApplier() {}

    static ApplyResult apply(ApplyContext context, Entry entry) {
        Command command;
        try {
            command = Command.parseFrom(entry.data());
        } catch (InvalidProtocolBufferException e) {
            return error(entry, ErrorCode.BAD_REQUEST, "malformed command at index " + entry.index() + ": " + e.getMessage());
        }
        return switch (command.getOpCase()) {
            case PUT, DELETE_RANGE, TXN -> applyClientWrite(context, entry, command);
            case EXPIRE_SESSIONS -> {
                Sessions.expire(context.batch, command.getExpireSessions().getNowMillis());
                yield new ApplyResult.Noop(entry.index(), entry.term());
            }
            case MEMBER_CHANGE -> applyMemberChange(context, entry, command);
            case OP_NOT_SET -> error(entry, ErrorCode.BAD_REQUEST, "command at index " + entry.index() + " has no operation");
        };
    }

    private static ApplyResult applyClientWrite(ApplyContext context, Entry entry, Command command) {
        long clientId = command.getRequestId().getClientId();
        long sequence = command.getRequestId().getSequence();
        SessionRecord session = null;
        if (clientId != 0) {
            if (sequence == 0) {
                return error(entry, ErrorCode.BAD_REQUEST, "request of client " + clientId + " has sequence 0; sequences start at 1");
            }
            session = context.batch.session(clientId);
            if (session != null && Long.compareUnsigned(sequence, session.getLastSequence()) <= 0) {
                return answerRetry(context, entry, command, session);
            }
        }
        context.batch.setSavePoint();
        KvWrites writes = new KvWrites(context.batch, context.revision);
        Message response;
        try {
            response = switch (command.getOpCase()) {
                case PUT -> writes.put(command.getPut());
                case DELETE_RANGE -> writes.deleteRange(command.getDeleteRange());
                case TXN -> writes.txn(command.getTxn());
                default -> throw new AssertionError("invariant violated: not a client write: " + command.getOpCase());
            };
        } catch (ServerException e) {
            context.batch.rollbackToSavePoint();
            return error(entry, e.code(), e.getMessage());
        }
        context.batch.releaseSavePoint();
        context.revision = writes.revisionAfter();
        if (clientId != 0) {
            long lastSeen = session == null ? command.getProposedAtMillis()
                    : Math.max(session.getLastSeenMillis(), command.getProposedAtMillis());
            context.batch.putSession(SessionRecord.newBuilder().setClientId(clientId).setLastSequence(sequence)
                    .setLastResponse(response.toByteString()).setLastSeenMillis(lastSeen).build());
        }
        return new ApplyResult.Ok(entry.index(), entry.term(), response);
    }

    private static ApplyResult answerRetry(ApplyContext context, Entry entry, Command command, SessionRecord session) {
        long sequence = command.getRequestId().getSequence();
        if (sequence != session.getLastSequence()) {
            return error(entry, ErrorCode.STALE_SEQUENCE, String.format(
                    "stale sequence: request %d of client %d is older than the last applied request %d",
                    sequence, session.getClientId(), session.getLastSequence()));
        }
        context.batch.putSession(session.toBuilder()
                .setLastSeenMillis(Math.max(session.getLastSeenMillis(), command.getProposedAtMillis())).build());
        return new ApplyResult.Ok(entry.index(), entry.term(), storedResponse(command.getOpCase(), session));
    }

    private static Message storedResponse(Command.OpCase op, SessionRecord session) {
        ByteString bytes = session.getLastResponse();
        try {
            return switch (op) {
                case PUT -> PutResponse.parseFrom(bytes);
                case DELETE_RANGE -> DeleteRangeResponse.parseFrom(bytes);
                case TXN -> TxnResponse.parseFrom(bytes);
                default -> throw new AssertionError("invariant violated: not a client write: " + op);
            };
        } catch (InvalidProtocolBufferException e) {
            throw new StorageFailedException("stored response of client " + session.getClientId() + " is corrupt: "
                    + e.getMessage(), e);
        }
    }

    private static ApplyResult applyMemberChange(ApplyContext context, Entry entry, Command command) {
        try {
            context.membership = context.membership.withMember(command.getMemberChange().getMember());
        } catch (ServerException e) {
            return error(entry, e.code(), e.getMessage());
        }
        long id = command.getMemberChange().getMember().getId();
        return new ApplyResult.Ok(entry.index(), entry.term(), context.membership.members().get(id));
    }

    private static ApplyResult error(Entry entry, ErrorCode code, String message) {
        return new ApplyResult.Error(entry.index(), entry.term(), code, message);
    }
}
