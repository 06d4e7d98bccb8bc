package io.raftkv.server.peer;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.proto.raft.RaftPeerGrpc;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import io.raftkv.raft.Message;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one snapshot's files to one peer on its own RaftPeer.InstallSnapshot call and its own
 * channel, then waits for the peer's ack. Runs on its own thread, started and owned by
 * {@link SnapshotSender}.
 *
 * <p>Why a separate channel, not just a separate call: calls on one channel share one TCP
 * connection and one HTTP/2 connection flow-control window, so a receiver that is slow to write
 * chunks to disk could hold heartbeats behind snapshot bytes. A second connection keeps the
 * message stream independent of the snapshot's progress.
 *
 * <p>Memory: one chunk buffer; a chunk is written only when gRPC reports the stream ready, so
 * gRPC holds at most about one more chunk. The call has a deadline of snapshotTimeout.
 */
final class SnapshotTransfer {
    private static final Logger log = LoggerFactory.getLogger(SnapshotTransfer.class);

    private final Message.InstallSnapshot message;
    private final String address;
    private final PeerConfig config;
    private final PeerChannelFactory channels;
    private final PeerTransportCounters counters;
    private final Thread thread;
    private final BiConsumer<SnapshotTransfer, Boolean> onDone;
    /** Also set, not only interrupted, because an interrupt before the thread starts is lost. */
    private volatile boolean cancelled;

    SnapshotTransfer(Message.InstallSnapshot message, String address, PeerConfig config, PeerChannelFactory channels,
                     PeerTransportCounters counters, BiConsumer<SnapshotTransfer, Boolean> onDone) {
        this.message = message;
        this.address = address;
        this.config = config;
        this.channels = channels;
        this.counters = counters;
        this.onDone = onDone;
        this.thread = Thread.ofPlatform().name("raftkv-snapshot-to-" + message.to()).daemon(true).unstarted(this::run);
    }

    long peer() {
        return message.to();
    }

    void start() {
        thread.start();
    }

    /** Interrupts the transfer; it cancels its call and reports failure. */
    void cancel() {
        cancelled = true;
        thread.interrupt();
    }

    boolean awaitTermination(long deadlineNanos) throws InterruptedException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining > 0) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        }
        return !thread.isAlive();
    }

    private void run() {
        long startNanos = System.nanoTime();
        boolean ok = false;
        try {
            long bytes = transfer();
            ok = true;
            counters.snapshotsSent.increment();
            log.info("peer={} snapshot sent index={} term={} bytes={} millis={}", message.to(),
                    message.snapshot().index(), message.snapshot().term(), bytes,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        } catch (InterruptedException e) {
            log.info("peer={} snapshot transfer cancelled index={}", message.to(), message.snapshot().index());
        } catch (SnapshotTransferException e) {
            log.warn("peer={} snapshot transfer failed index={} address={} cause={}", message.to(),
                    message.snapshot().index(), address, e.getMessage());
        } catch (IOException e) {
            // toString, not getMessage: a NoSuchFileException's message is only the path.
            log.warn("peer={} snapshot transfer failed index={} address={} cause={}", message.to(),
                    message.snapshot().index(), address, e.toString());
        } catch (RuntimeException e) {
            log.error("peer={} snapshot transfer failed index={} address={}", message.to(),
                    message.snapshot().index(), address, e);
        } finally {
            if (!ok) {
                counters.snapshotsFailed.increment();
            }
            onDone.accept(this, ok);
        }
    }

    /** Returns the bytes sent once the peer accepted the snapshot. */
    private long transfer() throws IOException, InterruptedException, SnapshotTransferException {
        if (cancelled) {
            throw new InterruptedException("cancelled before start");
        }
        String descriptor = new String(message.snapshot().data(), StandardCharsets.UTF_8);
        Optional<String> problem = SnapshotFiles.nameProblem(descriptor);
        if (problem.isPresent()) {
            throw new SnapshotTransferException("bad snapshot descriptor: " + problem.get());
        }
        Path directory = SnapshotFiles.child(config.snapshotsRoot(), descriptor);
        List<SnapshotFiles.SnapshotFile> files =
                SnapshotFiles.list(directory, config.snapshotFilesMax(), config.snapshotBytesMax());
        long deadlineNanos = System.nanoTime() + config.snapshotTimeout().toNanos();
        ManagedChannel channel = channels.open(address);
        try {
            Call call = new Call();
            RaftPeerGrpc.newStub(channel)
                    .withDeadlineAfter(config.snapshotTimeout().toNanos(), TimeUnit.NANOSECONDS)
                    .installSnapshot(call);
            long bytes;
            try {
                bytes = sendFiles(call, files, deadlineNanos);
            } catch (IOException | InterruptedException | SnapshotTransferException | RuntimeException e) {
                call.requests.cancel("snapshot transfer aborted", e);
                throw e;
            }
            SnapshotAck ack = call.awaitAck(deadlineNanos);
            if (!ack.getAccepted()) {
                throw new SnapshotTransferException("peer refused the snapshot: " + ack.getError());
            }
            return bytes;
        } finally {
            channel.shutdownNow();
        }
    }

    private long sendFiles(Call call, List<SnapshotFiles.SnapshotFile> files, long deadlineNanos)
            throws IOException, InterruptedException, SnapshotTransferException {
        byte[] buffer = new byte[config.snapshotChunkBytes()];
        boolean first = true;
        long bytes = 0;
        for (int i = 0; i < files.size(); i++) {
            SnapshotFiles.SnapshotFile file = files.get(i);
            boolean lastFile = i == files.size() - 1;
            try (FileChannel in = FileChannel.open(file.path(), StandardOpenOption.READ)) {
                long offset = 0;
                do {
                    int length = (int) Math.min(buffer.length, file.size() - offset);
                    readFully(in, buffer, length, file);
                    boolean lastOfFile = offset + length == file.size();
                    SnapshotChunk.Builder chunk = SnapshotChunk.newBuilder()
                            .setClusterId(config.clusterId()).setFrom(message.from()).setTo(message.to())
                            .setTerm(message.term()).setFileName(file.name()).setOffset(offset)
                            .setData(ByteString.copyFrom(buffer, 0, length)).setCrc32C(crc32c(buffer, length))
                            .setLastChunkOfFile(lastOfFile).setLast(lastOfFile && lastFile);
                    if (first) {
                        chunk.setMetadata(MessageCodec.encodeSnapshotMetadata(message.snapshot().metadata()));
                        first = false;
                    }
                    call.write(chunk.build(), deadlineNanos);
                    offset += length;
                    bytes += length;
                    counters.snapshotBytesSent.add(length);
                } while (offset < file.size());
            }
        }
        call.requests.onCompleted();
        return bytes;
    }

    private static void readFully(FileChannel in, byte[] buffer, int length, SnapshotFiles.SnapshotFile file)
            throws IOException {
        ByteBuffer target = ByteBuffer.wrap(buffer, 0, length);
        while (target.hasRemaining()) {
            if (in.read(target) < 0) {
                throw new IOException("snapshot file " + file.path() + " shrank below " + file.size() + " bytes while sending");
            }
        }
    }

    private static int crc32c(byte[] buffer, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer, 0, length);
        return (int) crc.getValue();
    }

    /** The client side of one InstallSnapshot call: flow-control gate plus the peer's answer. */
    private static final class Call implements ClientResponseObserver<SnapshotChunk, SnapshotAck> {
        private final FlowGate gate = new FlowGate();
        private volatile SnapshotAck ack;
        private ClientCallStreamObserver<SnapshotChunk> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<SnapshotChunk> requestStream) {
            requests = requestStream;
            requestStream.setOnReadyHandler(gate::signal);
        }

        @Override
        public void onNext(SnapshotAck value) {
            ack = value;
        }

        @Override
        public void onError(Throwable cause) {
            gate.close(cause);
        }

        @Override
        public void onCompleted() {
            gate.close(null);
        }

        /** Writes when gRPC can take it; stops early when the peer has already answered (a refusal). */
        void write(SnapshotChunk chunk, long deadlineNanos)
                throws InterruptedException, SnapshotTransferException {
            switch (gate.awaitReady(requests::isReady, deadlineNanos - System.nanoTime())) {
                case READY -> requests.onNext(chunk);
                case CLOSED -> throw new SnapshotTransferException(outcome());
                case TIMED_OUT -> throw new SnapshotTransferException("stream not writable before the deadline");
            }
        }

        SnapshotAck awaitAck(long deadlineNanos) throws InterruptedException, SnapshotTransferException {
            if (!gate.awaitClosed(deadlineNanos - System.nanoTime())) {
                throw new SnapshotTransferException("no answer before the deadline");
            }
            SnapshotAck answer = ack;
            if (gate.cause() != null || answer == null) {
                throw new SnapshotTransferException(outcome());
            }
            return answer;
        }

        private String outcome() {
            SnapshotAck answer = ack;
            if (answer != null && !answer.getAccepted()) {
                return "peer refused the snapshot: " + answer.getError();
            }
            Throwable cause = gate.cause();
            return cause == null ? "call ended without an answer" : "call failed: " + PeerConnection.describe(cause);
        }
    }

    /** The transfer failed for a reason worth one log line, not a stack trace. */
    static final class SnapshotTransferException extends Exception {
        SnapshotTransferException(String message) {
            super(message);
        }
    }
}
