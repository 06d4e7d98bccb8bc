package io.raftkv.server.loop;

import io.raftkv.raft.Message;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.ReadState;
import io.raftkv.raft.Ready;
import io.raftkv.raft.SoftState;
import io.raftkv.raft.StateRole;
import io.raftkv.raft.SnapshotMetadata;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import io.raftkv.server.storage.ApplyResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the {@link RaftNode}. Each turn it drains its bounded queues (peer
 * messages, ticks, proposals, read-index requests, control calls), then carries out every Ready:
 * messagesNow leave first, so followers write in parallel with the leader's own fsync (thesis
 * §10.2.1); the entries and hard state go to the log in one synced write, which is the group commit
 * of every proposal drained this turn; vote and append answers leave after it; committed entries go
 * to the apply thread through a bounded queue. The loop never blocks on a client or a peer; it
 * blocks only on its own disk write and, as backpressure, on a full apply queue.
 *
 * <p>Any exception on this thread means the node's state can no longer be trusted (a failed fsync, a
 * broken invariant): the loop stops, fails every waiter, and reports to {@code onFatal}.
 */
public final class RaftLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RaftLoop.class);

    private record Proposal(byte[] command, CompletableFuture<ApplyResult> result) {}

    private record ReadRequest(CompletableFuture<Long> index, long startNanos) {}

    private record Control<T>(Function<RaftNode, T> call, CompletableFuture<T> result) {
        void run(RaftNode node) {
            try {
                result.complete(call.apply(node));
            } catch (ServerException e) {
                result.completeExceptionally(e);
            }
        }
    }

    private final RaftNode node;
    private final LogWriter logWriter;
    private final Outbox outbox;
    private final ApplyLoop applyLoop;
    private final LoopLimits limits;
    private final LoopObserver observer;
    private final java.util.function.Consumer<Throwable> onFatal;

    private final ArrayBlockingQueue<Message> inbound;
    private final ArrayBlockingQueue<Proposal> proposals;
    private final ArrayBlockingQueue<ReadRequest> reads;
    private final ArrayBlockingQueue<Control<?>> controls = new ArrayBlockingQueue<>(256);
    private final ArrayBlockingQueue<Long> unreachable = new ArrayBlockingQueue<>(1024);
    private final ArrayBlockingQueue<SnapshotReport> snapshotReports = new ArrayBlockingQueue<>(256);
    private final ArrayBlockingQueue<Compaction> compactions = new ArrayBlockingQueue<>(16);
    private final Semaphore wakeup = new Semaphore(0);
    private final PendingWrites pendingWrites = new PendingWrites();
    /**
     * How long a read-index round waits for its answer before a follower sends it again: etcd's
     * readIndexRetryTime. Several heartbeat intervals, so a slow leader is not flooded with copies.
     */
    static final long READ_RESEND_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** The read-index rounds asked for and not yet answered, each with the reads that share it. */
    private final ReadRounds<ReadRequest> readRounds = new ReadRounds<>(READ_RESEND_NANOS);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile LoopStatus status;
    private volatile Throwable fatal;
    private SoftState softState;
    private long leaderChanges;
    private long nextTickNanos;
    private io.raftkv.raft.tracker.TrackerConfig publishedConfig;

    private record SnapshotReport(long peer, boolean ok) {}

    private record Compaction(SnapshotMetadata metadata, byte[] descriptor, long retainEntries) {}

    public RaftLoop(RaftNode node, LogWriter logWriter, Outbox outbox, ApplyLoop applyLoop, LoopLimits limits,
                    LoopObserver observer, java.util.function.Consumer<Throwable> onFatal) {
        this.node = node;
        this.logWriter = logWriter;
        this.outbox = outbox;
        this.applyLoop = applyLoop;
        this.limits = limits;
        this.observer = observer;
        this.onFatal = onFatal;
        this.inbound = new ArrayBlockingQueue<>(limits.inboundMax());
        this.proposals = new ArrayBlockingQueue<>(limits.proposalsMax());
        this.reads = new ArrayBlockingQueue<>(limits.readsMax());
        this.softState = node.status().role() == StateRole.LEADER
                ? new SoftState(node.id(), StateRole.LEADER) : new SoftState(node.status().leader(), node.status().role());
        publishStatus();
        this.thread = new Thread(this::run, "raft-loop-" + node.id());
        applyLoop.bind(pendingWrites, this::requestCompaction);
    }

    public void start() {
        nextTickNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(limits.tickMillis());
        thread.start();
    }

    public LoopStatus status() {
        return status;
    }

    public boolean isAlive() {
        return running && fatal == null && thread.isAlive();
    }

    public ApplyLoop applyLoop() {
        return applyLoop;
    }

    // ------------------------------------------------------------ inputs (any thread)

    /** A peer message; false when the inbound queue is full (Raft retransmits). */
    public boolean offerInbound(Message message) {
        if (!inbound.offer(message)) {
            observer.inboundDropped();
            return false;
        }
        wakeup.release();
        return true;
    }

    /** Proposes a command; the future completes with its apply result or a ServerException. */
    public CompletableFuture<ApplyResult> propose(byte[] command) {
        CompletableFuture<ApplyResult> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(stopping());
        } else if (!proposals.offer(new Proposal(command, result))) {
            observer.proposalsDropped("queue_full", 1);
            result.completeExceptionally(ServerException.of(ErrorCode.QUEUE_FULL,
                    "proposal queue is full (%d waiting); retry later", limits.proposalsMax()));
        } else {
            wakeup.release();
        }
        return result;
    }

    /** A read index: the future completes once the state machine has applied it. */
    public CompletableFuture<Long> readIndex() {
        CompletableFuture<Long> index = new CompletableFuture<>();
        if (!running) {
            index.completeExceptionally(stopping());
        } else if (!reads.offer(new ReadRequest(index, System.nanoTime()))) {
            index.completeExceptionally(ServerException.of(ErrorCode.QUEUE_FULL,
                    "read queue is full (%d waiting); retry later", limits.readsMax()));
        } else {
            wakeup.release();
        }
        return index.thenCompose(applyLoop::awaitApplied);
    }

    /** Runs {@code call} on the loop thread with the node (conf changes, transfers, status). */
    public <T> CompletableFuture<T> call(Function<RaftNode, T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!running) {
            result.completeExceptionally(stopping());
        } else if (!controls.offer(new Control<>(call, result))) {
            result.completeExceptionally(ServerException.of(ErrorCode.QUEUE_FULL, "control queue is full"));
        } else {
            wakeup.release();
        }
        return result;
    }

    /**
     * Proposes a membership change; the future completes when it is applied (its ApplyResult), or
     * fails with the reason the core refused it.
     */
    public CompletableFuture<ApplyResult> proposeConfChange(io.raftkv.raft.confchange.ConfChange change) {
        CompletableFuture<ApplyResult> applied = new CompletableFuture<>();
        call(node -> {
            ProposeResult result = node.proposeConfChange(change);
            switch (result) {
                case ProposeResult.Accepted accepted -> pendingWrites.register(accepted.index(), accepted.term(), applied);
                case ProposeResult.Dropped dropped -> applied.completeExceptionally(dropError(dropped));
                case ProposeResult.Pending pending -> throw new AssertionError("a conf change cannot be pending");
            }
            return result;
        }).whenComplete((result, error) -> {
            if (error != null) {
                applied.completeExceptionally(error);
            }
        });
        return applied;
    }

    /** The transport could not deliver to a peer. */
    public void reportUnreachable(long peer) {
        if (unreachable.offer(peer)) {
            wakeup.release();
        }
    }

    /** A snapshot stream to a peer ended. Must not be lost: the leader waits for it. */
    public void reportSnapshot(long peer, boolean ok) {
        if (!snapshotReports.offer(new SnapshotReport(peer, ok))) {
            log.error("node={} lost a snapshot report for peer={}: report queue full", node.id(), peer);
        }
        wakeup.release();
    }

    private void requestCompaction(SnapshotMetadata metadata, byte[] descriptor, long retainEntries) {
        if (!compactions.offer(new Compaction(metadata, descriptor, retainEntries))) {
            log.warn("node={} skipped log compaction at index={}: {} compactions pending",
                    node.id(), metadata.index(), compactions.size());
        }
        wakeup.release();
    }

    // ------------------------------------------------------------ the loop

    private void run() {
        try {
            while (running) {
                long waitNanos = Math.max(0, nextTickNanos - System.nanoTime());
                if (wakeup.tryAcquire(waitNanos, TimeUnit.NANOSECONDS)) {
                    wakeup.drainPermits();
                }
                turn();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            fatal = e;
            log.error("node={} raft loop failed; the node stops because its state can no longer be trusted", node.id(), e);
            failEverything(ServerException.of(ErrorCode.INTERNAL, "node %d stopped after a fatal error: %s", node.id(), e));
            running = false;
            onFatal.accept(e);
        }
    }

    private void turn() {
        for (Message message; (message = inbound.poll()) != null; ) {
            node.step(message);
        }
        for (Long peer; (peer = unreachable.poll()) != null; ) {
            node.reportUnreachable(peer);
        }
        for (SnapshotReport report; (report = snapshotReports.poll()) != null; ) {
            node.reportSnapshot(report.peer(), report.ok());
        }
        tickIfDue();
        proposeDrained();
        readDrained();
        resendReads();
        for (Control<?> control; (control = controls.poll()) != null; ) {
            control.run(node);
        }
        for (Compaction compaction; (compaction = compactions.poll()) != null; ) {
            logWriter.compact(compaction.metadata(), compaction.descriptor(), compaction.retainEntries());
        }
        int readies = 0;
        while (node.hasReady()) {
            handle(node.ready());
            if (++readies > 64) {
                break; // let queued input in; the next turn continues
            }
        }
        if (!reads.isEmpty() && readRounds.reads() < limits.readsMax()) {
            wakeup.release(); // answers made room for reads this turn left queued
        }
        publishStatus();
    }

    private void tickIfDue() {
        long now = System.nanoTime();
        long tickNanos = TimeUnit.MILLISECONDS.toNanos(limits.tickMillis());
        int ticks = 0;
        while (now >= nextTickNanos) {
            // After a long stall (GC, a slow disk) tick at most a few times: catching up all at once
            // would fire elections for time the node did not really lose contact.
            if (ticks++ < 3) {
                node.tick();
            }
            nextTickNanos += tickNanos;
        }
        if (ticks > 3) {
            log.warn("node={} raft loop fell behind by {} ticks", node.id(), ticks);
            nextTickNanos = now + tickNanos;
        }
    }

    private void proposeDrained() {
        if (proposals.isEmpty()) {
            return;
        }
        List<Proposal> batch = new ArrayList<>();
        List<byte[]> commands = new ArrayList<>();
        long bytes = 0;
        for (Proposal proposal; bytes < limits.proposalBatchBytesMax() && (proposal = proposals.poll()) != null; ) {
            batch.add(proposal);
            commands.add(proposal.command());
            bytes += proposal.command().length;
        }
        ProposeResult result = node.proposeAll(commands);
        switch (result) {
            case ProposeResult.Accepted accepted -> {
                for (int i = 0; i < batch.size(); i++) {
                    pendingWrites.register(accepted.index() + i, accepted.term(), batch.get(i).result());
                }
                observer.proposalsAccepted(batch.size());
            }
            case ProposeResult.Dropped dropped -> {
                observer.proposalsDropped(dropped.reason().name().toLowerCase(), batch.size());
                ServerException error = dropError(dropped);
                batch.forEach(proposal -> proposal.result().completeExceptionally(error));
            }
            case ProposeResult.Pending pending -> throw new AssertionError("a proposal cannot be pending");
        }
    }

    private void readDrained() {
        // As many reads as the queue holds may wait in rounds too; past that they stay queued, and
        // once the queue is full a new read is refused with QUEUE_FULL.
        int room = limits.readsMax() - readRounds.reads();
        if (reads.isEmpty() || room <= 0) {
            return;
        }
        // Every read waiting now shares one read index and so one heartbeat round.
        List<ReadRequest> batch = new ArrayList<>();
        reads.drainTo(batch, room);
        long context = readRounds.open(batch, System.nanoTime());
        if (node.readIndex(context) instanceof ProposeResult.Dropped dropped) {
            failRound(context, dropError(dropped));
        }
    }

    /** A follower's round whose request or answer was lost would otherwise wait for a leader change. */
    private void resendReads() {
        if (readRounds.isEmpty() || softState.role() == StateRole.LEADER) {
            return; // the leader's rounds ride on every heartbeat it sends
        }
        List<Long> due = readRounds.resendDue(System.nanoTime());
        for (long context : due) {
            if (node.readIndex(context) instanceof ProposeResult.Dropped dropped) {
                failRound(context, dropError(dropped));
            }
        }
        if (!due.isEmpty()) {
            observer.readIndexResent(due.size());
            log.debug("node={} sent {} read-index rounds again after {} ms without an answer", node.id(), due.size(),
                    TimeUnit.NANOSECONDS.toMillis(READ_RESEND_NANOS));
        }
    }

    private void failRound(long context, ServerException error) {
        readRounds.close(context).forEach(read -> read.index().completeExceptionally(error));
    }

    /** The client-facing error for a proposal, read or transfer the core refused. */
    public ServerException dropErrorFor(ProposeResult.Dropped dropped) {
        return dropError(dropped);
    }

    private ServerException dropError(ProposeResult.Dropped dropped) {
        return switch (dropped.reason()) {
            case NOT_LEADER -> new ServerException(ErrorCode.NOT_LEADER, dropped.detail(), status.leader(), "");
            case NO_LEADER -> new ServerException(ErrorCode.NO_LEADER, dropped.detail());
            case TRANSFERRING -> new ServerException(ErrorCode.LEADER_CHANGED, dropped.detail());
            case UNCOMMITTED_LIMIT, READS_LIMIT -> new ServerException(ErrorCode.QUEUE_FULL, dropped.detail());
            case ENTRY_TOO_LARGE -> new ServerException(ErrorCode.VALUE_TOO_LARGE, dropped.detail());
            case CONF_CHANGE_PENDING, CONF_CHANGE_INVALID, NOT_A_VOTER -> new ServerException(ErrorCode.MEMBER_INVALID, dropped.detail());
            case UNKNOWN_NODE -> new ServerException(ErrorCode.MEMBER_NOT_FOUND, dropped.detail());
        };
    }

    private void handle(Ready ready) {
        observeRole(ready.softState());
        outbox.send(ready.messagesNow());
        if (ready.snapshot() != null || !ready.entries().isEmpty() || ready.hardState() != null) {
            long start = System.nanoTime();
            logWriter.save(ready.hardState(), ready.entries(), ready.snapshot(), ready.mustSync());
            if (ready.mustSync()) {
                observer.fsync(System.nanoTime() - start, ready.entries().size());
            }
        }
        outbox.send(ready.messagesAfterPersist());
        if (ready.snapshot() != null) {
            applyLoop.enqueueSnapshot(ready.snapshot());
        }
        if (!ready.committedEntries().isEmpty()) {
            observer.committed(ready.committedEntries().size());
            applyLoop.enqueue(ready.committedEntries());
        }
        for (ReadState readState : ready.readStates()) {
            // Empty for a repeated answer: the round was sent again and its first answer released it.
            List<ReadRequest> waiting = readRounds.close(readState.context());
            long now = System.nanoTime();
            for (ReadRequest read : waiting) {
                observer.readIndexLatency(now - read.startNanos());
                read.index().complete(readState.index());
            }
        }
        node.advance(ready);
    }

    private void observeRole(SoftState now) {
        if (now.equals(softState)) {
            return;
        }
        SoftState before = softState;
        softState = now;
        // Publish at once: peers already point clients at a new leader, which must not answer
        // NO_LEADER until the end of this turn.
        publishStatus();
        if (now.leader() != before.leader()) {
            leaderChanges++;
        }
        observer.roleChanged(before, now, node.status().term());
        log.info("node={} role changed role={} leader={} term={} (was role={} leader={})",
                node.id(), now.role(), now.leader(), node.status().term(), before.role(), before.leader());
        if (before.role() == StateRole.LEADER && now.role() != StateRole.LEADER) {
            // Our proposals may or may not commit under the next leader: their outcome is unknown.
            pendingWrites.failAll(ServerException.of(ErrorCode.LEADER_CHANGED,
                    "node %d lost leadership; the write's outcome is unknown, retry with the same request id", node.id()));
        }
        if (now.leader() != before.leader()) {
            // Reads waiting on the old leader's round will never be answered: let clients retry.
            failReads(ServerException.of(ErrorCode.LEADER_CHANGED, "leader changed while confirming a read; retry"));
        }
    }

    private void failReads(ServerException error) {
        readRounds.closeAll(read -> read.index().completeExceptionally(error));
    }

    private void publishStatus() {
        RaftNode.Summary s = node.summary();
        LoopStatus previous = status;
        // The membership rarely changes: reuse the published ConfState while the config object is the same.
        io.raftkv.raft.ConfState confState = previous != null && s.config() == publishedConfig
                ? previous.confState() : s.confState();
        publishedConfig = s.config();
        status = new LoopStatus(s.id(), s.term(), s.leader(), s.role(), s.commit(), applyLoop.appliedIndex(),
                s.lastIndex(), confState, leaderChanges);
    }

    public int inboundDepth() {
        return inbound.size();
    }

    public int proposalDepth() {
        return proposals.size();
    }

    public int readDepth() {
        return reads.size();
    }

    private void failEverything(ServerException error) {
        for (Proposal proposal; (proposal = proposals.poll()) != null; ) {
            proposal.result().completeExceptionally(error);
        }
        for (ReadRequest read; (read = reads.poll()) != null; ) {
            read.index().completeExceptionally(error);
        }
        for (Control<?> control; (control = controls.poll()) != null; ) {
            control.result().completeExceptionally(error);
        }
        failReads(error);
        pendingWrites.failAll(error);
        applyLoop.failWaiters(error);
    }

    private ServerException stopping() {
        return ServerException.of(ErrorCode.STOPPING, "node %d is stopping", node.id());
    }

    /** Stops taking work, lets the apply thread finish what is queued, and fails what remains. */
    @Override
    public void close() {
        running = false;
        wakeup.release();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.error("node={} raft loop did not stop within 10 s", node.id());
        }
        failEverything(stopping());
        applyLoop.close();
    }
}
