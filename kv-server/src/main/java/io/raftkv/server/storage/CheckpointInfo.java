package io.raftkv.server.storage;

import io.raftkv.raft.SnapshotMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A checkpoint of the state machine on disk: the log position and membership it covers, its
 * directory, and the bytes of its files (what streaming it to a follower costs). The snapshot
 * descriptor handed to raft-core is the directory's name in UTF-8 ({@code snap-<term>-<index>});
 * the transport resolves it with {@link CheckpointDirectory#resolve}.
 */
public record CheckpointInfo(SnapshotMetadata metadata, Path directory, long sizeBytes) {
    public byte[] descriptor() {
        return directory.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    }
}
