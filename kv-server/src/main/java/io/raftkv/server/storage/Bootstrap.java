package io.raftkv.server.storage;

import io.raftkv.proto.api.Member;
import io.raftkv.raft.ConfState;
import java.nio.file.Path;
import java.util.List;

/**
 * Initialises the data directory of a founding member of a new cluster (see
 * {@link NodeStorage#bootstrap}). A node joining an existing cluster is not bootstrapped: it opens
 * empty storage and receives the leader's snapshot.
 */
public final class Bootstrap {
    private Bootstrap() {}

    /**
     * @throws IllegalStateException if the directory already holds a log or state
     * @throws DataDirectoryException if the directory belongs to another cluster or node, or is locked
     */
    public static void initialize(Path dataDir, long clusterId, long nodeId, ConfState initial, List<Member> members) {
        try (NodeStorage storage = NodeStorage.open(dataDir, clusterId, nodeId, StorageOptions.DEFAULTS)) {
            storage.bootstrap(initial, members);
        }
    }
}
