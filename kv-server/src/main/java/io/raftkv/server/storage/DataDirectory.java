package io.raftkv.server.storage;

import io.raftkv.proto.command.NodeIdentity;
import io.raftkv.raft.Invariants;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * A node's data directory, locked for the life of this object:
 * <pre>
 *   &lt;root&gt;/lock        held with FileChannel.tryLock: one process per directory
 *   &lt;root&gt;/identity    cluster id and node id (see {@link IdentityFile})
 *   &lt;root&gt;/log/        the Raft log ({@link WalLogStore})
 *   &lt;root&gt;/state/      the key-value state ({@link KvStateMachine})
 *   &lt;root&gt;/snapshots/  checkpoints of the state ({@link CheckpointDirectory})
 * </pre>
 * The identity is written on first start and checked on every later one, so a node never joins a
 * cluster with another cluster's (or another node's) data. Thread-safe (immutable after open).
 */
public final class DataDirectory implements AutoCloseable {
    private final Path root;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path root, FileChannel lockChannel, FileLock lock) {
        this.root = root;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Locks the directory (creating it if missing) and checks or writes its identity.
     *
     * @throws DataDirectoryException if another process holds the lock, the identity differs or is
     *     corrupt, or the directory holds data without an identity
     */
    public static DataDirectory open(Path root, long clusterId, long nodeId) {
        Invariants.check(clusterId != 0 && nodeId != 0, "cluster id and node id must be non-zero: %d, %d", clusterId, nodeId);
        Path absolute = root.toAbsolutePath();
        FileChannel channel = null;
        try {
            Files.createDirectories(absolute);
            channel = FileChannel.open(absolute.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = tryLock(channel, absolute);
            DataDirectory directory = new DataDirectory(absolute, channel, lock);
            try {
                directory.checkIdentity(clusterId, nodeId);
                Files.createDirectories(directory.log());
                Files.createDirectories(directory.state());
                Files.createDirectories(directory.snapshots());
            } catch (RuntimeException | IOException e) {
                directory.close();
                throw e;
            }
            return directory;
        } catch (IOException e) {
            closeQuietly(channel, e);
            throw new DataDirectoryException("cannot open data dir " + absolute + ": " + e, e);
        }
    }

    public Path root() {
        return root;
    }

    public Path log() {
        return root.resolve("log");
    }

    public Path state() {
        return root.resolve("state");
    }

    public Path snapshots() {
        return root.resolve("snapshots");
    }

    public Path identityFile() {
        return root.resolve("identity");
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
            lockChannel.close();
        } catch (IOException e) {
            throw new StorageFailedException("releasing the lock of data dir " + root + " failed: " + e, e);
        }
    }

    private static FileLock tryLock(FileChannel channel, Path root) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM (another node object on the same directory)
        }
        if (lock == null) {
            channel.close();
            throw new DataDirectoryException("data dir " + root + " is in use by another process (lock file "
                    + root.resolve("lock") + " is held); refusing to start");
        }
        return lock;
    }

    private void checkIdentity(long clusterId, long nodeId) throws IOException {
        Path file = identityFile();
        if (!Files.exists(file)) {
            if (holdsData(log()) || holdsData(state()) || holdsData(snapshots())) {
                throw new DataDirectoryException("data dir " + root + " holds data but no identity file " + file
                        + "; refusing to start: it may belong to another cluster");
            }
            IdentityFile.write(file, NodeIdentity.newBuilder().setClusterId(clusterId).setNodeId(nodeId).build());
            return;
        }
        NodeIdentity identity = IdentityFile.read(file);
        if (identity.getClusterId() != clusterId) {
            throw new DataDirectoryException("data dir " + root + " belongs to cluster " + identity.getClusterId()
                    + ", not " + clusterId + "; refusing to start");
        }
        if (identity.getNodeId() != nodeId) {
            throw new DataDirectoryException("data dir " + root + " belongs to node " + identity.getNodeId()
                    + ", not " + nodeId + "; refusing to start");
        }
    }

    private static boolean holdsData(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> children = Files.list(directory)) {
            return children.findAny().isPresent();
        }
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            primary.addSuppressed(e);
        }
    }
}
