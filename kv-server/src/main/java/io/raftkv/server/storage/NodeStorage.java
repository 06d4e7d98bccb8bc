package io.raftkv.server.storage;

import io.raftkv.proto.api.Member;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a node keeps on disk, opened together and reconciled: the locked
 * {@link DataDirectory}, the {@link WalLogStore}, the {@link KvStateMachine} and the
 * {@link CheckpointDirectory}. On open it repairs the one crash window the Ready order leaves: a
 * snapshot saved to the log but not yet installed in the state machine (the log's entries below it
 * are gone), by installing the checkpoint the log's snapshot record names. It refuses to start when
 * the two disagree in a way no crash explains. Thread-safety: see each part; the helpers here
 * belong to the apply thread.
 */
public final class NodeStorage implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeStorage.class);

    private final DataDirectory directory;
    private final WalLogStore log;
    private final KvStateMachine stateMachine;
    private final CheckpointDirectory checkpoints;
    private final DiskReserve diskReserve;
    private final StorageOptions options;

    private NodeStorage(DataDirectory directory, WalLogStore log, KvStateMachine stateMachine,
                        CheckpointDirectory checkpoints, StorageOptions options) {
        this.directory = directory;
        this.log = log;
        this.stateMachine = stateMachine;
        this.checkpoints = checkpoints;
        this.diskReserve = new DiskReserve(directory.root(), options.diskReserveBytes());
        this.options = options;
    }

    /**
     * Opens a node's storage, creating it empty on first start (a node joining an existing cluster
     * starts so: log [1, 0], no membership, and waits for the leader's snapshot).
     *
     * @throws DataDirectoryException if the directory is locked, another node's, or its identity is corrupt
     * @throws CorruptLogException if the log is corrupt
     * @throws StorageFailedException if a database cannot be opened or log and state disagree
     */
    public static NodeStorage open(Path root, long clusterId, long nodeId, StorageOptions options) {
        DataDirectory directory = DataDirectory.open(root, clusterId, nodeId);
        WalLogStore log = null;
        KvStateMachine stateMachine = null;
        try {
            log = WalLogStore.open(directory.log(), options.tailCacheBytesMax(), options.walSegmentBytes());
            stateMachine = KvStateMachine.open(directory.state());
            CheckpointDirectory checkpoints = new CheckpointDirectory(directory.snapshots());
            checkpoints.deleteStaging();
            NodeStorage storage = new NodeStorage(directory, log, stateMachine, checkpoints, options);
            storage.reconcile();
            return storage;
        } catch (RuntimeException | Error e) {
            if (stateMachine != null) {
                stateMachine.close();
            }
            if (log != null) {
                log.close();
            }
            directory.close();
            throw e;
        }
    }

    public DataDirectory directory() {
        return directory;
    }

    public WalLogStore log() {
        return log;
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    public CheckpointDirectory checkpoints() {
        return checkpoints;
    }

    public DiskReserve diskReserve() {
        return diskReserve;
    }

    /** Neither log nor state holds anything: a node to bootstrap, or one joining a cluster. */
    public boolean isEmpty() {
        return log.lastIndex() == 0 && log.snapshot().isEmpty() && log.hardState().equals(HardState.EMPTY)
                && stateMachine.appliedIndex() == 0;
    }

    /**
     * Writes the state of a founding member: state machine at 1/1 with the initial membership and
     * address book, checkpointed; log starting from that snapshot with hard state (term 1, commit 1),
     * as raft-core's {@code MemoryLogStorage.bootstrap} does.
     */
    public void bootstrap(ConfState initial, List<Member> members) {
        if (!isEmpty()) {
            throw new IllegalStateException("data dir " + directory.root() + " is already initialized (log last index "
                    + log.lastIndex() + ", applied " + stateMachine.appliedIndex() + ")");
        }
        Invariants.check(!initial.voters().isEmpty(), "bootstrap needs at least one voter");
        stateMachine.bootstrap(initial, members);
        CheckpointInfo checkpoint = stateMachine.checkpoint(checkpoints.root());
        log.save(new HardState(1, 0, 1), List.of(), new Snapshot(checkpoint.metadata(), checkpoint.descriptor()), true);
        LOG.info("storage bootstrapped dir={} conf={} members={}", directory.root(), initial, members.size());
    }

    /**
     * Checkpoints the state machine (pruning old checkpoints), records it in the log and compacts the
     * log below it, keeping {@link StorageOptions#retainEntries}. For callers that own both on one
     * thread (tests, tools); the raft loop instead hands the checkpoint to its own thread to compact.
     */
    public CheckpointInfo snapshotAndCompact() {
        CheckpointInfo checkpoint = stateMachine.checkpoint(checkpoints.root());
        log.compact(checkpoint.metadata(), checkpoint.descriptor(), options.retainEntries());
        return checkpoint;
    }

    @Override
    public void close() {
        try {
            stateMachine.close();
        } finally {
            try {
                log.close();
            } finally {
                directory.close();
            }
        }
    }

    private void reconcile() {
        Snapshot recorded = log.snapshot();
        long applied = stateMachine.appliedIndex();
        if (applied < recorded.index()) {
            // Crash between log.save(snapshot) and the state machine's install: install it now.
            LOG.warn("state machine is behind the log's snapshot, installing it applied={} snapshot={}",
                    applied, recorded.index());
            Path checkpoint;
            try {
                checkpoint = checkpoints.resolve(recorded.data());
            } catch (InvalidCheckpointException e) {
                throw new StorageFailedException("data dir " + directory.root() + " cannot start: the state machine is at "
                        + applied + " but the log starts after snapshot " + recorded.index() + ", whose checkpoint is gone: "
                        + e.getMessage(), e);
            }
            stateMachine.install(checkpoint, recorded.metadata());
            applied = stateMachine.appliedIndex();
        }
        if (applied < log.firstIndex() - 1) {
            throw new StorageFailedException("data dir " + directory.root() + " cannot start: the state machine is at "
                    + applied + " but the log starts at " + log.firstIndex());
        }
        if (applied > 0 && applied <= log.lastIndex()) {
            long logTerm = log.term(applied);
            if (logTerm != stateMachine.appliedTerm()) {
                throw new StorageFailedException("data dir " + directory.root() + " cannot start: the state machine applied "
                        + stateMachine.appliedTerm() + "/" + applied + " but the log holds term " + logTerm + " there");
            }
        }
    }
}
