package io.raftkv.server.peer;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftMessage;
import io.raftkv.proto.raft.RaftPeerGrpc;
import io.raftkv.raft.Message;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound path to one peer: a bounded queue the raft loop fills without ever blocking, a
 * long-lived RaftPeer.Send stream over a channel that lives as long as this object, and one sender
 * thread that owns the stream's life.
 *
 * <p>Who writes: the raft loop itself, in {@link #flush} after it queued a Ready's messages, when
 * the stream is open and writable and nobody else is writing; otherwise the sender thread, which
 * it wakes. Writing from the raft loop saves the sender's wake-up on each message's way out, in
 * both directions of a replication round trip (what that bought is in BENCHMARKS.md). Every
 * write drains the queue from its head under {@code writeLock}, so messages leave in the order they
 * were queued whoever writes them; the raft loop only ever tries the lock, so it never waits for a
 * slow stream, and the sender is the one that waits for a stream to become writable.
 *
 * <p>Why the Send call has no deadline: it is meant to live for hours, and a deadline would cut
 * it periodically and drop what is in flight. Its liveness is bounded instead by HTTP/2
 * keepalive pings (a dead peer or half-open connection fails the call within keepAliveTime +
 * keepAliveTimeout) and by {@code sendStallTimeout} (a stream that stays unwritable that long
 * while messages wait is cancelled and reopened).
 *
 * <p>Failure handling: when the stream fails, everything still queued is dropped and counted
 * (Raft resends what matters, from its own state, which is fresher than our queue), the raft loop
 * is told the peer is unreachable, and the sender reopens after an exponential, jittered backoff.
 * It logs one line per state change (connected, disconnected, unreachable with a new cause), never
 * one per message.
 *
 * <p>Thread-safety: {@link #offer}, {@link #flush} and {@link #pending} may be called from any
 * thread (in practice the raft loop); {@link #start}, {@link #stop} and {@link #awaitTermination}
 * by the owning {@link PeerTransport}. The batch builder and the stream's writes are guarded by
 * {@code writeLock}; the rest runs on the sender thread.
 */
final class PeerConnection {
    private static final Logger log = LoggerFactory.getLogger(PeerConnection.class);
    /** How long the sender waits for a message before re-checking the stream; bounds failure detection latency. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    final long peer;
    final String address;
    private final PeerConfig config;
    private final PeerListener listener;
    private final PeerTransportCounters counters;
    private final ArrayBlockingQueue<Message> queue;
    private final ManagedChannel channel;
    private final RaftPeerGrpc.RaftPeerStub stub;
    private final BatchBuilder batches;
    private final Thread thread;
    /** Guards {@link #batches} and every write to, finish or cancel of a stream. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The stream the raft loop may write to; null while the sender (re)connects or stops. */
    private volatile MessageStream open;
    /** Set when unreachable was reported; cleared when a batch reaches the stream again. */
    private final AtomicBoolean unreachableReported = new AtomicBoolean();
    private volatile boolean stopping;

    // Sender-thread state, for logging state changes only.
    private boolean connected;
    private String lastCause = "";

    PeerConnection(long peer, String address, PeerConfig config, PeerListener listener,
                   PeerTransportCounters counters, PeerChannelFactory channels) {
        io.raftkv.raft.Invariants.check(peer > 0 && peer != config.nodeId(),
                "peer connection to node %d from node %d", peer, config.nodeId());
        this.peer = peer;
        this.address = address;
        this.config = config;
        this.listener = listener;
        this.counters = counters;
        this.queue = new ArrayBlockingQueue<>(config.sendQueueCapacity());
        this.batches = new BatchBuilder(config, queue, this::dropOversize);
        this.channel = channels.open(address);
        this.stub = RaftPeerGrpc.newStub(channel);
        this.thread = Thread.ofPlatform().name("raftkv-peer-sender-" + peer).daemon(true).unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** Never blocks. A full queue drops the message and reports the peer unreachable. */
    boolean offer(Message message) {
        if (queue.offer(message)) {
            return true;
        }
        counters.messagesDroppedQueueFull.increment();
        reportUnreachable();
        return false;
    }

    /**
     * Writes what is queued if the stream is open and writable and no other thread is writing;
     * otherwise leaves it to the sender thread and wakes it. Never blocks.
     */
    void flush() {
        if (!batches.hasWork()) {
            return;
        }
        if (writeLock.tryLock()) {
            try {
                // Read under the lock: the sender clears it before it half-closes or cancels a stream,
                // and does those under the lock too, so a stream seen here is still open for writes.
                MessageStream stream = open;
                while (stream != null && stream.isReady()) {
                    MessageBatch batch = batches.next();
                    if (batch == null) {
                        return;
                    }
                    write(stream, batch);
                }
            } finally {
                writeLock.unlock();
            }
        }
        // Not writable, or the sender is writing: it drains the rest once it holds the lock.
        LockSupport.unpark(thread);
    }

    int pending() {
        return queue.size();
    }

    /** Asks the sender thread to half-close its stream and exit; returns at once. */
    void stop() {
        stopping = true;
        thread.interrupt();
    }

    boolean isTerminated() {
        return thread.getState() == Thread.State.TERMINATED;
    }

    /** Waits for the sender thread (which shuts the channel down) until {@code deadlineNanos} (System.nanoTime). */
    boolean awaitTermination(long deadlineNanos) throws InterruptedException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining > 0) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        }
        return !thread.isAlive();
    }

    private void run() {
        Backoff backoff = new Backoff(config.reconnectBackoffMin(), config.reconnectBackoffMax(),
                new SplittableRandom(config.nodeId() * 0x9E3779B97F4A7C15L ^ peer));
        MessageStream stream = null;
        try {
            while (!stopping) {
                stream = MessageStream.open(stub);
                Throwable failure = pump(stream);
                if (failure == null) {
                    break; // stopping
                }
                onStreamFailure(failure);
                if (stream.ageNanos() >= config.reconnectBackoffMax().toNanos()) {
                    backoff.reset(); // it was healthy for a while: this is a new outage
                }
                TimeUnit.NANOSECONDS.sleep(backoff.nextNanos());
                // The channel has its own reconnect backoff (up to 2 minutes); ours is the one that counts.
                channel.resetConnectBackoff();
            }
        } catch (InterruptedException e) {
            // stop() interrupts; fall through to the orderly shutdown below.
        } catch (RuntimeException | Error e) {
            log.error("peer={} sender thread failed; no more messages will reach this peer", peer, e);
            reportUnreachable();
            throw e;
        } finally {
            shutDown(stream);
        }
    }

    /** Sends until the stream fails (returns the cause) or the connection stops (returns null). */
    private Throwable pump(MessageStream stream) throws InterruptedException {
        long stallNanos = config.sendStallTimeout().toNanos();
        open = stream;
        try {
            while (!stopping) {
                Throwable failure = stream.failure();
                if (failure != null) {
                    return failure;
                }
                if (stream.isReady()) {
                    noteConnected();
                }
                if (!batches.hasWork()) {
                    // Woken by flush() when the raft loop leaves work behind; the timeout bounds how
                    // long a failed stream goes unnoticed.
                    LockSupport.parkNanos(this, POLL_NANOS);
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    continue;
                }
                Throwable stalled = sendQueued(stream, stallNanos);
                if (stalled != null) {
                    return stalled;
                }
            }
            return null;
        } finally {
            writeLock.lock();
            try {
                open = null;
            } finally {
                writeLock.unlock();
            }
        }
    }

    /**
     * Writes everything queued, waiting for the stream to become writable before each batch;
     * returns the failure that ended the stream, or null once the queue is empty.
     */
    private Throwable sendQueued(MessageStream stream, long stallNanos) throws InterruptedException {
        writeLock.lock();
        try {
            for (MessageBatch batch; (batch = batches.next()) != null; ) {
                switch (stream.awaitReady(stallNanos)) {
                    case READY -> {
                        write(stream, batch);
                        noteConnected();
                    }
                    case CLOSED -> {
                        counters.messagesDroppedDisconnected.add(batch.getMessagesCount());
                        return stream.failure();
                    }
                    case TIMED_OUT -> {
                        counters.messagesDroppedDisconnected.add(batch.getMessagesCount());
                        Throwable stall = Status.DEADLINE_EXCEEDED
                                .withDescription("stream not writable for " + config.sendStallTimeout()).asException();
                        stream.cancel("send stalled", stall);
                        return stall;
                    }
                }
            }
            return null;
        } finally {
            writeLock.unlock();
        }
    }

    /** Caller holds writeLock. */
    private void write(MessageStream stream, MessageBatch batch) {
        stream.write(batch);
        counters.batchesSent.increment();
        counters.messagesSent.add(batch.getMessagesCount());
        counters.bytesSent.add(batch.getSerializedSize());
        unreachableReported.set(false);
    }

    private void onStreamFailure(Throwable failure) {
        counters.streamFailures.increment();
        int dropped = discardAll();
        counters.messagesDroppedDisconnected.add(dropped);
        String cause = describe(failure);
        if (connected) {
            log.warn("peer={} disconnected address={} dropped={} cause={}", peer, address, dropped, cause);
        } else if (!cause.equals(lastCause)) {
            log.warn("peer={} unreachable address={} cause={}", peer, address, cause);
        }
        connected = false;
        lastCause = cause;
        reportUnreachable();
    }

    private void noteConnected() {
        if (!connected) {
            connected = true;
            lastCause = "";
            log.info("peer={} connected address={}", peer, address);
        }
    }

    private void dropOversize(RaftMessage message) {
        counters.messagesDroppedOversize.increment();
        log.warn("peer={} dropped {} message of {} bytes, over the inbound limit of {} bytes; raise inboundMessageBytesMax or lower the entry size cap",
                peer, message.getBodyCase(), message.getSerializedSize(), config.inboundMessageBytesMax());
        reportUnreachable();
    }

    /** Drops the carried message and what is queued; returns how many. */
    private int discardAll() {
        writeLock.lock();
        try {
            return batches.discardCarry() + dropQueued();
        } finally {
            writeLock.unlock();
        }
    }

    private int dropQueued() {
        int dropped = 0;
        // Bounded: the loop may keep offering, but never more than the capacity per pass is counted here.
        for (int i = 0; i < config.sendQueueCapacity() && queue.poll() != null; i++) {
            dropped++;
        }
        return dropped;
    }

    private void reportUnreachable() {
        if (unreachableReported.compareAndSet(false, true)) {
            listener.unreachable(peer);
        }
    }

    /**
     * Half-closes a healthy stream, then gives the channel half of closeTimeout to drain before
     * forcing it, so that the owner's wait (the whole closeTimeout) sees this thread finish.
     */
    private void shutDown(MessageStream stream) {
        boolean interrupted = Thread.interrupted(); // clear the stop() interrupt so the waits below work
        long graceNanos = config.closeTimeout().toNanos() / 2;
        try {
            if (stream != null) {
                writeLock.lock();
                try {
                    stream.finish();
                } finally {
                    writeLock.unlock();
                }
            }
            counters.messagesDroppedDisconnected.add(discardAll());
            channel.shutdown();
            if (!channel.awaitTermination(graceNanos, TimeUnit.NANOSECONDS)) {
                log.warn("peer={} channel did not drain within {} ms; forcing it", peer,
                        TimeUnit.NANOSECONDS.toMillis(graceNanos));
                channel.shutdownNow();
            }
        } catch (InterruptedException e) {
            channel.shutdownNow();
            interrupted = true;
        } catch (RuntimeException e) {
            channel.shutdownNow();
            log.warn("peer={} error while closing the stream", peer, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("peer={} sender stopped address={}", peer, address);
    }

    static String describe(Throwable failure) {
        Status status = Status.fromThrowable(failure);
        String description = status.getDescription();
        if (description == null && status.getCause() != null) {
            description = status.getCause().toString();
        }
        return status.getCode() + (description == null ? "" : " " + description);
    }
}
