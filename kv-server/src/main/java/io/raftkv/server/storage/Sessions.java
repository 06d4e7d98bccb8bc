package io.raftkv.server.storage;

import com.google.protobuf.InvalidProtocolBufferException;
import io.raftkv.proto.command.SessionRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The client-session table (Raft thesis §6.3): per client id, the highest sequence applied, its
 * serialized response and when the client was last seen. Stored in the same batches as the data,
 * so a retried write is recognised after restarts and snapshots as well.
 */
final class Sessions {
    private Sessions() {}

    /** The client's session from its stored value (null: none); {@link ApplyBatch#session} remembers it. */
    static SessionRecord decode(long clientId, byte[] value) {
        return value == null ? null : parse(clientId, value);
    }

    private static SessionRecord parse(long clientId, byte[] value) {
        try {
            return SessionRecord.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            throw new StorageFailedException("session record of client " + clientId + " is corrupt: " + e.getMessage(), e);
        }
    }

    /**
     * Removes every session whose last_seen_millis is strictly below {@code nowMillis} and returns
     * how many. The leader proposes {@code ExpireSessions{now_millis = its clock - session ttl}}, so
     * "below now_millis" means "idle for longer than the ttl"; deciding it through the log is what
     * makes every replica drop the same sessions. A client whose session expired and then retries an
     * old sequence is treated as new and applied again: the ttl must exceed any client's retry time.
     */
    static int expire(ApplyBatch batch, long nowMillis) {
        List<Long> doomed = new ArrayList<>();
        batch.scan(StateKeys.tableStart(StateKeys.SESSION), StateKeys.tableEnd(StateKeys.SESSION), (key, value) -> {
            long clientId = ByteBuffer.wrap(key, 1, 8).getLong();
            if (Long.compareUnsigned(parse(clientId, value).getLastSeenMillis(), nowMillis) < 0) {
                doomed.add(clientId);
            }
            return true;
        });
        for (long clientId : doomed) {
            batch.deleteSession(clientId);
        }
        return doomed.size();
    }
}
