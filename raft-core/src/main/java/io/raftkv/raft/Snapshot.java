package io.raftkv.raft;

import java.util.Arrays;
import java.util.Objects;

/**
 * A state-machine snapshot as the core sees it: metadata plus opaque data. The server keeps the
 * data small (a descriptor of a checkpoint it streams separately); the simulator puts the whole
 * state in it.
 */
public record Snapshot(SnapshotMetadata metadata, byte[] data) {
    public static final Snapshot EMPTY = new Snapshot(SnapshotMetadata.EMPTY, new byte[0]);

    public Snapshot {
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(data, "data");
    }

    public boolean isEmpty() {
        return metadata.index() == 0;
    }

    public long index() {
        return metadata.index();
    }

    public long term() {
        return metadata.term();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Snapshot s && s.metadata.equals(metadata) && Arrays.equals(s.data, data);
    }

    @Override
    public int hashCode() {
        return metadata.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "snapshot " + metadata.term() + "/" + metadata.index() + " " + metadata.confState() + " " + data.length + "B";
    }
}
