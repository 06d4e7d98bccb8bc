package io.raftkv.server.loop;

import io.raftkv.raft.Entry;
import io.raftkv.raft.Invariants;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import io.raftkv.server.ServerException;
import io.raftkv.server.failpoint.Failpoints;
import io.raftkv.server.storage.ApplyResult;
import io.raftkv.server.storage.CheckpointDirectory;
import io.raftkv.server.storage.CheckpointInfo;
import io.raftkv.server.storage.KvStateMachine;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply thread: takes committed batches (and snapshots to install) from a bounded queue in log
 * order, applies each batch to the state machine in one write, completes the writes this node
 * proposed, releases reads waiting for the applied index, and every {@code snapshotEntries} applied
 * entries starts a checkpoint on a thread of its own (one at a time), which then asks the raft loop
 * to compact the log. A failure on either thread stops the node (its state machine can no longer be
 * trusted).
 */
public final class ApplyLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApplyLoop.class);

    /** Called on the checkpoint thread after a checkpoint, to compact the log on the raft loop. */
    public interface CompactionRequest {
        void compact(SnapshotMetadata metadata, byte[] descriptor, long retainEntries);
    }

    private sealed interface Task {
        record Apply(List<Entry> entries) implements Task {}

        record Install(Snapshot snapshot) implements Task {}

        record Stop() implements Task {}
    }

    private final long nodeId;
    private final KvStateMachine stateMachine;
    private final CheckpointDirectory checkpoints;
    /** The background flush starts this fraction of snapshotEntries before the checkpoint. */
    private static final long FLUSH_AHEAD_FRACTION = 8;
    private final long snapshotEntries;
    private final long snapshotRetainEntries;
    /** The applied indexes at which this node starts checkpoints, shifted from the other nodes'. */
    private final CheckpointSchedule schedule;
    private final LoopObserver observer;
    private final java.util.function.Consumer<Throwable> onFatal;
    private final Runnable onMembershipApplied;
    private final ArrayBlockingQueue<Task> queue;
    private final AppliedIndexWaiters waiters;
    private final Thread thread;
    /**
     * Takes checkpoints while the apply thread goes on: on the apply thread, the checkpoint's flush
     * and syncs held every write of the node 20-180 ms every snapshotEntries entries. At most one
     * task: see checkpointRunning.
     */
    private final ExecutorService checkpointer;
    /** Set by the apply thread when it hands a checkpoint over, cleared by the checkpoint thread when done. */
    private final AtomicBoolean checkpointRunning = new AtomicBoolean();
    private PendingWrites pendingWrites;
    private CompactionRequest compaction;
    private volatile long appliedIndex;
    /**
     * The grid point of {@link #schedule} at which the current snapshot interval began: the last
     * checkpoint's start or, at start and after an install, the point at or below the applied index.
     * Apply thread only.
     */
    private long intervalStart;
    /** Whether the state was flushed in the background since the last snapshot. */
    private boolean flushedAhead;
    private volatile boolean failed;
    private final Failpoints failpoints;

    public ApplyLoop(long nodeId, KvStateMachine stateMachine, CheckpointDirectory checkpoints, long snapshotEntries,
                     long snapshotRetainEntries, int queueCapacity, int readWaitersMax, LoopObserver observer,
                     Runnable onMembershipApplied, java.util.function.Consumer<Throwable> onFatal) {
        this(nodeId, stateMachine, checkpoints, snapshotEntries, snapshotRetainEntries, queueCapacity, readWaitersMax,
                observer, onMembershipApplied, onFatal, Failpoints.disabled());
    }

    /** As above, with test-only failpoints around apply, checkpoint and install. */
    public ApplyLoop(long nodeId, KvStateMachine stateMachine, CheckpointDirectory checkpoints, long snapshotEntries,
                     long snapshotRetainEntries, int queueCapacity, int readWaitersMax, LoopObserver observer,
                     Runnable onMembershipApplied, java.util.function.Consumer<Throwable> onFatal, Failpoints failpoints) {
        this.failpoints = failpoints;
        this.nodeId = nodeId;
        this.stateMachine = stateMachine;
        this.checkpoints = checkpoints;
        this.snapshotEntries = snapshotEntries;
        this.snapshotRetainEntries = snapshotRetainEntries;
        this.observer = observer;
        this.onMembershipApplied = onMembershipApplied;
        this.onFatal = onFatal;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.appliedIndex = stateMachine.appliedIndex();
        this.schedule = CheckpointSchedule.forNode(nodeId, snapshotEntries);
        this.intervalStart = schedule.pointAtOrBelow(appliedIndex);
        this.waiters = new AppliedIndexWaiters(readWaitersMax, appliedIndex);
        this.thread = new Thread(this::run, "raft-apply-" + nodeId);
        this.checkpointer = Executors.newSingleThreadExecutor(task -> {
            // A daemon, so a node that dies without close() does not keep its JVM up; a checkpoint
            // cut short leaves a .tmp directory, which the next checkpoint deletes when it prunes.
            Thread checkpointThread = new Thread(task, "raft-checkpoint-" + nodeId);
            checkpointThread.setDaemon(true);
            return checkpointThread;
        });
    }

    void bind(PendingWrites writes, CompactionRequest request) {
        this.pendingWrites = writes;
        this.compaction = request;
        thread.start();
    }

    public long appliedIndex() {
        return appliedIndex;
    }

    public int queueDepth() {
        return queue.size();
    }

    public KvStateMachine stateMachine() {
        return stateMachine;
    }

    CompletableFuture<Long> awaitApplied(long index) {
        return waiters.await(index);
    }

    /** Blocks the raft loop when the apply thread is a full queue behind: backpressure by design. */
    void enqueue(List<Entry> entries) {
        put(new Task.Apply(entries));
    }

    void enqueueSnapshot(Snapshot snapshot) {
        put(new Task.Install(snapshot));
    }

    private void put(Task task) {
        if (failed) {
            throw new IllegalStateException("node " + nodeId + ": the apply thread has failed");
        }
        try {
            queue.put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while handing work to the apply thread", e);
        }
    }

    void failWaiters(ServerException error) {
        waiters.failAll(error);
    }

    private void run() {
        try {
            while (true) {
                Task task = queue.take();
                switch (task) {
                    case Task.Apply apply -> apply(apply.entries());
                    case Task.Install install -> install(install.snapshot());
                    case Task.Stop stop -> {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            failed = true;
            log.error("node={} apply thread failed at applied={}; the node stops", nodeId, appliedIndex, e);
            onFatal.accept(e);
        }
    }

    private void apply(List<Entry> entries) {
        long start = System.nanoTime();
        failpoints.hit(Failpoints.BEFORE_APPLY);
        List<ApplyResult> results = stateMachine.apply(entries);
        failpoints.hit(Failpoints.AFTER_APPLY);
        boolean membershipChanged = false;
        for (ApplyResult result : results) {
            if (result instanceof ApplyResult.ConfChanged) {
                membershipChanged = true;
            }
            pendingWrites.applied(result.index(), result.term(), result);
        }
        appliedIndex = stateMachine.appliedIndex();
        observer.applied(entries.size(), System.nanoTime() - start);
        waiters.appliedTo(appliedIndex);
        if (membershipChanged) {
            onMembershipApplied.run();
        }
        if (checkpointRunning.get()) {
            return;
        }
        if (schedule.due(intervalStart, appliedIndex)) {
            startSnapshot();
        } else if (!flushedAhead && schedule.remaining(intervalStart, appliedIndex) <= snapshotEntries / FLUSH_AHEAD_FRACTION) {
            // The checkpoint begins with a flush of the memtable, which took up to 640 ms at 100,000
            // entries. Flushed in the background shortly before, it finds a small one.
            stateMachine.flushAhead();
            flushedAhead = true;
        }
    }

    private void startSnapshot() {
        Invariants.check(checkpointRunning.compareAndSet(false, true), "node %d: a checkpoint began while one runs", nodeId);
        flushedAhead = false;
        intervalStart = schedule.pointAtOrBelow(appliedIndex);
        observer.snapshotStarted(appliedIndex);
        try {
            checkpointer.execute(this::takeSnapshot);
        } catch (RejectedExecutionException closing) {
            checkpointRunning.set(false); // closing: the next start checkpoints, or replays the log
        }
    }

    /** On the checkpoint thread. */
    private void takeSnapshot() {
        try {
            long start = System.nanoTime();
            failpoints.hit(Failpoints.SNAPSHOT_SAVE);
            CheckpointInfo checkpoint = stateMachine.checkpoint(checkpoints.root());
            observer.snapshotTaken(checkpoint.sizeBytes(), System.nanoTime() - start);
            log.info("node={} took snapshot index={} term={} bytes={} in {} ms", nodeId, checkpoint.metadata().index(),
                    checkpoint.metadata().term(), checkpoint.sizeBytes(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            compaction.compact(checkpoint.metadata(), checkpoint.descriptor(), snapshotRetainEntries);
        } catch (Throwable e) {
            failed = true;
            log.error("node={} checkpoint failed at applied={}; the node stops", nodeId, appliedIndex, e);
            onFatal.accept(e);
        } finally {
            checkpointRunning.set(false);
        }
    }

    private void install(Snapshot snapshot) {
        // resolve() refuses a descriptor that would escape the snapshots directory.
        Path directory = checkpoints.resolve(snapshot.data());
        log.info("node={} installing snapshot index={} term={} from {}", nodeId, snapshot.index(), snapshot.term(), directory);
        failpoints.hit(Failpoints.SNAPSHOT_INSTALL);
        stateMachine.install(directory, snapshot.metadata());
        appliedIndex = stateMachine.appliedIndex();
        intervalStart = Math.max(intervalStart, schedule.pointAtOrBelow(appliedIndex));
        flushedAhead = false;
        observer.snapshotInstalled(snapshot.index());
        waiters.appliedTo(appliedIndex);
        onMembershipApplied.run();
    }

    /** Finishes the queued work and a checkpoint under way, then stops. */
    @Override
    public void close() {
        if (thread.isAlive() && !queue.offer(new Task.Stop())) {
            thread.interrupt();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            checkpointer.shutdown();
            // The state machine closes after this returns; a checkpoint must not outlive it.
            if (!checkpointer.awaitTermination(30, TimeUnit.SECONDS)) {
                log.error("node={} checkpoint still running 30 s into close", nodeId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
