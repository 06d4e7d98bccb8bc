package io.raftkv.server.storage;

import io.raftkv.proto.api.KeyValue;
import io.raftkv.raft.Invariants;

/**
 * What a put needs of its key's current record: the create revision it keeps and the version it
 * increments. Version 0 (with create revision 0) means the key does not exist.
 */
record KeyVersion(long createRevision, long version) {
    static final KeyVersion ABSENT = new KeyVersion(0, 0);

    KeyVersion {
        Invariants.check(version >= 0 && createRevision >= 0 && (version == 0) == (createRevision == 0),
                "key version %d with create revision %d", version, createRevision);
    }

    /** The version of a stored record, or {@link #ABSENT} for null. */
    static KeyVersion of(KeyValue record) {
        return record == null ? ABSENT : new KeyVersion(record.getCreateRevision(), record.getVersion());
    }

    boolean exists() {
        return version > 0;
    }
}
