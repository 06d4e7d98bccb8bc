package io.raftkv.server.storage;

import com.google.protobuf.Message;
import io.raftkv.raft.ConfState;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.Objects;

/**
 * What applying one committed entry produced. {@link KvStateMachine#apply} returns one per entry it
 * applied, in order (none for entries it skipped as already applied). Responses carry the store revision in their header; the caller fills in the member id,
 * cluster id and raft term before answering.
 */
public sealed interface ApplyResult {
    long index();

    long term();

    /** The leader's empty entry, or a server command with nothing to answer (ExpireSessions). */
    record Noop(long index, long term) implements ApplyResult {}

    /** A PutResponse, DeleteRangeResponse or TxnResponse (or a Member for a MemberChange). */
    record Ok(long index, long term, Message response) implements ApplyResult {
        public Ok {
            Objects.requireNonNull(response, "response");
        }
    }

    /**
     * A deterministic refusal: every replica computes the same one from the same entry, and the
     * state is unchanged by it (except the applied index).
     */
    record Error(long index, long term, ErrorCode code, String message) implements ApplyResult {
        public Error {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }

        public ServerException toException() {
            return new ServerException(code, message);
        }
    }

    /** A conf change took effect; the membership is now {@code confState}. */
    record ConfChanged(long index, long term, ConfState confState) implements ApplyResult {}

}
