package io.raftkv.server.loop;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.util.List;

/** The durable log as the raft loop writes it; implemented by the RocksDB log store. Loop thread only. */
public interface LogWriter {
    /** One write holding the snapshot record, the entries and the hard state; synced when asked. */
    void save(HardState hardStateOrNull, List<Entry> entries, Snapshot snapshotOrNull, boolean sync);

    /** The state machine has a checkpoint at the snapshot's index: record it and drop older log. */
    void compact(SnapshotMetadata snapshot, byte[] descriptor, long retainEntries);
}
