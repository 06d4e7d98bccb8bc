package io.raftkv.server.peer;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of RaftPeer.InstallSnapshot: one {@link IncomingSnapshot} per call, plus the
 * state they share: which work directories are in use (at most snapshotsIncomingMax at a time,
 * one per sender and index) and the lock that makes installing into snapshotsRoot one rename at
 * a time. Thread-safe.
 */
final class SnapshotReceiver {
    private static final Logger log = LoggerFactory.getLogger(SnapshotReceiver.class);

    private final PeerConfig config;
    private final InboundHandler inbound;
    private final PeerServiceCounters counters;
    /** Guarded by this. */
    private final Set<Path> receiving = new HashSet<>();

    /** Creates snapshotsRoot if needed and deletes work directories a crash left behind. */
    SnapshotReceiver(PeerConfig config, InboundHandler inbound, PeerServiceCounters counters) throws IOException {
        this.config = config;
        this.inbound = inbound;
        this.counters = counters;
        Files.createDirectories(config.snapshotsRoot());
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(config.snapshotsRoot(), SnapshotFiles::isLeftover)) {
            for (Path leftover : entries) {
                log.info("deleting snapshot work directory left by an earlier run: {}", leftover);
                SnapshotFiles.deleteRecursively(leftover);
            }
        }
    }

    StreamObserver<SnapshotChunk> open(StreamObserver<SnapshotAck> responses) {
        return new IncomingSnapshot(this, config, inbound, counters, responses);
    }

    /** Claims a work directory; returns why not when the limit is reached or it is already in use. */
    synchronized Optional<String> reserve(Path workDirectory) {
        if (receiving.contains(workDirectory)) {
            return Optional.of("this snapshot is already being received from this peer");
        }
        if (receiving.size() >= config.snapshotsIncomingMax()) {
            return Optional.of("already receiving " + receiving.size() + " snapshots, the limit");
        }
        receiving.add(workDirectory);
        return Optional.empty();
    }

    synchronized void release(Path workDirectory) {
        receiving.remove(workDirectory);
    }

    /**
     * Moves a complete, fsynced work directory to {@code snapshotsRoot/<descriptor>}. A directory
     * cannot be renamed over a non-empty one, so a stale target is first renamed aside, then the
     * new one renamed in, the root fsynced, and the stale copy deleted. A crash in between leaves
     * the old snapshot, the new one, or neither, plus a replaced-*.tmp that the next start deletes;
     * never a half-written snapshot under the descriptor's name.
     */
    synchronized void install(Path workDirectory, String descriptor, long from) throws IOException {
        Path root = config.snapshotsRoot();
        Path target = SnapshotFiles.child(root, descriptor);
        Path aside = null;
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            aside = root.resolve(SnapshotFiles.REPLACED_PREFIX + descriptor + "-" + from + SnapshotFiles.TEMP_SUFFIX);
            SnapshotFiles.deleteRecursively(aside);
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(workDirectory, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (aside != null) {
                restore(aside, target, e);
            }
            throw e;
        }
        SnapshotFiles.fsyncDirectory(root);
        if (aside != null) {
            try {
                SnapshotFiles.deleteRecursively(aside);
            } catch (IOException e) {
                // The new snapshot is in place; the stale copy only costs disk until the next start deletes it.
                log.warn("could not delete replaced snapshot {}; the next start deletes it", aside, e);
            }
        }
    }

    /** Puts the stale snapshot back after the new one failed to move in: old data beats no data. */
    private static void restore(Path aside, Path target, IOException failure) {
        try {
            Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            failure.addSuppressed(e);
            log.error("could not restore snapshot {} from {}; it is lost", target, aside, e);
        }
    }
}
