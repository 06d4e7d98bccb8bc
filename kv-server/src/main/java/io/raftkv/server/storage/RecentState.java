package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.proto.command.SessionRecord;

/**
 * What the apply thread remembers of the state database between batches (see {@link RecentValues}):
 * key versions by user key, sessions by client id.
 */
record RecentState(RecentValues<ByteString, KeyVersion> keyVersions, RecentValues<Long, SessionRecord> sessions) {
    /** About 35 MiB of heap at 16-byte keys (key, version, map entry: ~130 bytes a key). */
    static final int KEY_VERSIONS_CACHED = 1 << 18;
    /** About 15 MiB with the small responses of puts (a session keeps its last response). */
    static final int SESSIONS_CACHED = 1 << 16;

    static RecentState withDefaultCapacity() {
        return new RecentState(new RecentValues<>(KEY_VERSIONS_CACHED), new RecentValues<>(SESSIONS_CACHED));
    }

    /** Forgets everything: the database was replaced. */
    void clear() {
        keyVersions.clear();
        sessions.clear();
    }
}
