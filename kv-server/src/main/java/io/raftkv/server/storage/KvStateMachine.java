package io.raftkv.server.storage;

import io.raftkv.proto.api.Member;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.SnapshotMetadata;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChangeCodec;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-value state (etcd v3 semantics without history), the client sessions and the membership,
 * on their own RocksDB instance under {@code state/} (see {@link StateDirectory}, {@link StateKeys}).
 * Each apply call writes its data, sessions, membership and applied index in one batch, so an entry
 * is never applied twice or lost; entries at or below the stored applied index are skipped.
 *
 * <p>Threads: {@link #apply} and {@link #install} belong to the apply thread (serialised by a
 * monitor). {@link #checkpoint} may run on another thread, concurrently with apply (see there).
 * {@link #range}, the getters and {@link #sizeBytes} are thread-safe and may run concurrently with apply.
 */
public final class KvStateMachine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KvStateMachine.class);
    /** The newest checkpoint serves followers; the one before covers a compaction still in flight. */
    public static final int CHECKPOINTS_KEPT = 2;

    private final StateDirectory directory;
    /** Readers hold it shared; install and close hold it exclusively while the database is swapped. */
    private final ReentrantReadWriteLock databaseLock = new ReentrantReadWriteLock();
    /** Serialises the writer operations: apply, install, close, and the naming and pruning of checkpoints. */
    private final Object writer = new Object();
    /** Key versions and sessions of the live database; the writer's, like the batches that fill it. */
    private final RecentState recent = RecentState.withDefaultCapacity();
    private StateDb database;
    private volatile AppliedState state;
    private volatile boolean closed;

    private KvStateMachine(StateDirectory directory, StateDb database, AppliedState state) {
        this.directory = directory;
        this.database = database;
        this.state = state;
    }

    /**
     * Opens the state under {@code stateRoot}, creating an empty one (applied index 0, revision 1, no
     * members) if there is none, and deletes database directories left by an interrupted install.
     *
     * @throws StorageFailedException naming the directory if it cannot be opened or is corrupt
     */
    public static KvStateMachine open(Path stateRoot) {
        StateDirectory directory = new StateDirectory(stateRoot);
        Path live = directory.live();
        directory.deleteAllBut(live);
        if (live == null) {
            live = directory.next();
            StateDb.open(live, true).close();
            FileSync.syncDirectory(stateRoot);
            directory.switchTo(live);
        }
        StateDb database = StateDb.open(live, false);
        try (SnapshotReader reader = new SnapshotReader(database.db(), live)) {
            AppliedState state = StateMeta.read(reader, live);
            LOG.info("state machine opened dir={} applied={}/{} revision={} conf={}", live, state.term(), state.index(),
                    state.revision(), state.membership().confState());
            return new KvStateMachine(directory, database, state);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    /**
     * Applies committed entries (contiguous, in order) in one batch and returns one result per
     * entry applied. Entries at or below the applied index are skipped and get no result.
     *
     * @throws StorageFailedException if the batch cannot be written (the node must stop)
     */
    public List<ApplyResult> apply(List<Entry> entries) {
        synchronized (writer) {
            checkOpen();
            AppliedState before = state;
            List<ApplyResult> results = new ArrayList<>(entries.size());
            try (ApplyBatch batch = new ApplyBatch(database.db(), database.path(), recent)) {
                ApplyContext context = new ApplyContext(batch, before);
                for (Entry entry : entries) {
                    if (entry.index() <= context.appliedIndex) {
                        // Applied before a restart: raft-core re-hands committed entries from the log's
                        // first index. Nobody waits for them in this life, so there is no result.
                        continue;
                    }
                    Invariants.check(entry.index() == context.appliedIndex + 1, "apply of entry %d leaves a gap after %d",
                            entry.index(), context.appliedIndex);
                    Invariants.check(entry.term() >= context.appliedTerm, "entry %d has term %d below the applied term %d",
                            entry.index(), entry.term(), context.appliedTerm);
                    results.add(applyOne(context, entry));
                    context.appliedIndex = entry.index();
                    context.appliedTerm = entry.term();
                }
                if (context.appliedIndex != before.index()) {
                    AppliedState after = context.toState();
                    StateMeta.write(batch, before, after);
                    batch.write(database.writeOptions());
                    state = after;
                }
            }
            return results;
        }
    }

    /**
     * Whether the request names one key (an empty range_end, or the key followed by a zero byte),
     * which {@link #range} answers with one point Get rather than a scan.
     */
    public static boolean readsOneKey(RangeRequest request) {
        return KeyRange.of(request.getKey(), request.getRangeEnd()).isSingleKey();
    }

    /**
     * A range read from a consistent snapshot of the database.
     *
     * @throws ServerException COMPACTED for an old revision, BAD_REQUEST for a future or negative
     *     one or a negative limit, STOPPING once closed
     */
    public RangeResponse range(RangeRequest request) {
        databaseLock.readLock().lock();
        try {
            if (closed) {
                throw ServerException.of(ErrorCode.STOPPING, "the state machine is closed");
            }
            try (SnapshotReader reader = new SnapshotReader(database.db(), database.path())) {
                return RangeReads.range(reader, request, StateMeta.readRevision(reader, database.path()));
            }
        } finally {
            databaseLock.readLock().unlock();
        }
    }

    public long appliedIndex() {
        return state.index();
    }

    public long appliedTerm() {
        return state.term();
    }

    public long revision() {
        return state.revision();
    }

    /** The membership after the last applied entry. */
    public ConfState confState() {
        return state.membership().confState();
    }

    /** The address book, sorted by id. */
    public List<Member> members() {
        return state.membership().memberList();
    }

    /** Bytes used by the database, as RocksDB estimates them (for Status.db_size). */
    public long sizeBytes() {
        databaseLock.readLock().lock();
        try {
            return closed ? 0 : database.sizeBytes();
        } finally {
            databaseLock.readLock().unlock();
        }
    }

    /**
     * Starts writing the applied state to disk in the background, so that the next
     * {@link #checkpoint}, which flushes what is left synchronously, finds little left and holds the
     * apply thread only briefly.
     */
    public void flushAhead() {
        synchronized (writer) {
            checkOpen();
            database.flushInBackground();
        }
    }

    /**
     * Checkpoints the state into {@code <snapshotsRoot>/snap-<term>-<index>} (written as
     * {@code .tmp}, synced, renamed; an existing one of that name is reused), then prunes all but
     * the newest {@link #CHECKPOINTS_KEPT} checkpoints. The log's snapshot record always names one of
     * those two unless compaction lags two checkpoints behind, in which case a leader's attempt to
     * send the older one fails and raft-core retries with the next snapshot. Restart recovery never
     * needs a pruned one: it only installs a checkpoint newer than the state.
     *
     * <p>Safe to call while another thread applies: the checkpoint holds some prefix of the applied
     * batches (RocksDB flushes the memtable, then links the files of that instant), and its
     * position is read back from the checkpoint itself, where each batch wrote its applied index,
     * term and membership. So the apply thread hands checkpoints to a thread of their own instead of
     * waiting 30-180 ms for the flush and the syncs. The swap of an {@link #install} waits for the
     * RocksDB part; naming and pruning are serialised with installs and other checkpoints.
     */
    public CheckpointInfo checkpoint(Path snapshotsRoot) {
        CheckpointDirectory checkpoints = new CheckpointDirectory(snapshotsRoot);
        AppliedState now = state;
        Invariants.check(now.index() > 0, "checkpoint of a state machine that has applied nothing");
        SnapshotMetadata current = metadataOf(now);
        Path existing = checkpoints.pathOf(current);
        if (Files.isDirectory(existing)) {
            synchronized (writer) {
                checkOpen();
                checkpoints.prune(CHECKPOINTS_KEPT, java.util.Set.of(existing.getFileName().toString()));
            }
            return new CheckpointInfo(current, existing, FileSync.sizeOf(existing));
        }
        Path temporary = checkpoints.temporary(current);
        databaseLock.readLock().lock();
        try {
            checkOpen();
            database.checkpointTo(temporary);
        } finally {
            databaseLock.readLock().unlock();
        }
        AppliedState taken = StateDb.readCheckpoint(temporary);
        Invariants.check(taken.index() >= now.index(), "checkpoint holds applied %d, below the %d applied before it began",
                taken.index(), now.index());
        SnapshotMetadata metadata = metadataOf(taken);
        synchronized (writer) {
            checkOpen();
            Path target = checkpoints.publish(temporary, metadata);
            checkpoints.prune(CHECKPOINTS_KEPT, java.util.Set.of(target.getFileName().toString()));
            LOG.info("state machine checkpointed index={} term={} dir={}", metadata.index(), metadata.term(), target);
            return new CheckpointInfo(metadata, target, FileSync.sizeOf(target));
        }
    }

    private static SnapshotMetadata metadataOf(AppliedState applied) {
        return new SnapshotMetadata(applied.index(), applied.term(), applied.membership().confState());
    }

    /**
     * Replaces the state by a checkpoint (received from the leader, or this node's own after a crash
     * between saving a snapshot to the log and installing it). The checkpoint's files are linked
     * into a new database directory, which is verified to be at exactly the metadata's index, term
     * and membership before the pointer is switched; a crash at any point leaves the old or the new
     * state. The checkpoint directory itself is left unchanged, so this node can send it on.
     *
     * @throws InvalidCheckpointException if the checkpoint is unreadable or not at the metadata's position
     */
    public void install(Path checkpointDir, SnapshotMetadata metadata) {
        synchronized (writer) {
            checkOpen();
            Invariants.check(metadata.index() > state.index(), "install of snapshot %d would not move past applied %d",
                    metadata.index(), state.index());
            if (!Files.isDirectory(checkpointDir)) {
                throw new InvalidCheckpointException("checkpoint " + checkpointDir + " does not exist");
            }
            Path next = directory.next();
            FileSync.linkOrCopyTree(checkpointDir, next);
            Opened opened = openVerified(next, checkpointDir, metadata);
            StateDb candidate = opened.database();
            AppliedState installed = opened.state();
            StateDb old;
            databaseLock.writeLock().lock();
            try {
                old = database;
                old.close();
                directory.switchTo(next);
                database = candidate;
                state = installed;
                recent.clear();
            } finally {
                databaseLock.writeLock().unlock();
            }
            // Outside the lock: serializable reads wait on it on the network threads.
            FileSync.deleteTree(old.path());
            LOG.info("state machine installed snapshot index={} term={} from={} revision={}", metadata.index(),
                    metadata.term(), checkpointDir, installed.revision());
        }
    }

    /**
     * Writes the bootstrap state of a new cluster's first members: applied index 1, term 1, the
     * initial membership and address book (raft-core starts such a node from a snapshot at 1/1).
     */
    void bootstrap(ConfState initial, List<Member> members) {
        synchronized (writer) {
            checkOpen();
            Invariants.check(state.index() == 0, "bootstrap of a state machine that has applied up to %d", state.index());
            AppliedState before = state;
            AppliedState after = new AppliedState(1, 1, before.revision(), Membership.initial(initial, members));
            try (ApplyBatch batch = new ApplyBatch(database.db(), database.path(), recent)) {
                StateMeta.write(batch, before, after);
                batch.write(database.writeOptions());
            }
            state = after;
        }
    }

    @Override
    public void close() {
        synchronized (writer) {
            databaseLock.writeLock().lock();
            try {
                if (closed) {
                    return;
                }
                closed = true;
                database.close();
            } finally {
                databaseLock.writeLock().unlock();
            }
        }
    }

    private ApplyResult applyOne(ApplyContext context, Entry entry) {
        if (entry.type() == EntryType.CONF_CHANGE) {
            ConfChange change;
            try {
                change = ConfChangeCodec.decode(entry.data());
            } catch (IllegalArgumentException e) {
                // raft-core decodes the same bytes when the entry is handed out and fails the same way.
                throw new AssertionError("invariant violated: committed conf change at index " + entry.index()
                        + " is malformed: " + e.getMessage(), e);
            }
            context.membership = context.membership.afterConfChange(change, entry.index());
            return new ApplyResult.ConfChanged(entry.index(), entry.term(), context.membership.confState());
        }
        if (entry.data().length == 0) {
            return new ApplyResult.Noop(entry.index(), entry.term());
        }
        return CommandApplier.apply(context, entry);
    }

    private record Opened(StateDb database, AppliedState state) {}

    /** Opens the new database and checks it is at the metadata's position; deletes it if not. */
    private static Opened openVerified(Path next, Path checkpointDir, SnapshotMetadata metadata) {
        StateDb candidate;
        try {
            candidate = StateDb.open(next, false);
        } catch (StorageFailedException e) {
            FileSync.deleteTree(next);
            throw new InvalidCheckpointException("checkpoint " + checkpointDir + " cannot be opened: " + e.getMessage(), e);
        }
        AppliedState found;
        try (SnapshotReader reader = new SnapshotReader(candidate.db(), next)) {
            found = StateMeta.read(reader, next);
        } catch (StorageFailedException e) {
            candidate.close();
            FileSync.deleteTree(next);
            throw new InvalidCheckpointException("checkpoint " + checkpointDir + " is corrupt: " + e.getMessage(), e);
        }
        if (found.index() != metadata.index() || found.term() != metadata.term()
                || !found.membership().confState().equals(metadata.confState())) {
            candidate.close();
            FileSync.deleteTree(next);
            throw new InvalidCheckpointException(String.format(
                    "checkpoint %s holds applied %d/%d with %s, but the snapshot says %d/%d with %s", checkpointDir,
                    found.term(), found.index(), found.membership().confState(), metadata.term(), metadata.index(),
                    metadata.confState()));
        }
        return new Opened(candidate, found);
    }

    private void checkOpen() {
        Invariants.check(!closed, "state machine %s used after close", directory.root());
    }
}
