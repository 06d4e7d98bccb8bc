package io.raftkv.server.peer;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import io.raftkv.raft.Message;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One snapshot being received: checks every chunk (cluster, addressing, CRC-32C, file name,
 * offset order, size and file limits), writes it under
 * {@code snapshotsRoot/incoming-<from>-<index>.tmp/}, fsyncs each file when it ends, and on the
 * last chunk installs the directory and hands the raft loop an InstallSnapshot message naming it.
 * Any failure deletes the work directory and answers accepted=false with the reason.
 *
 * <p>Not thread-safe, and needs not be: gRPC delivers one call's callbacks one at a time, each
 * happening-before the next. Runs on the gRPC server's executor, which must therefore allow
 * blocking file I/O (not directExecutor).
 */
final class IncomingSnapshot implements StreamObserver<SnapshotChunk> {
    private static final Logger log = LoggerFactory.getLogger(IncomingSnapshot.class);

    /** What the first chunk established; every later chunk must agree. */
    private record Header(long from, long to, long term, SnapshotMetadata metadata, Path workDirectory,
                          long startNanos) {}

    private final SnapshotReceiver receiver;
    private final PeerConfig config;
    private final InboundHandler inbound;
    private final PeerServiceCounters counters;
    private final StreamObserver<SnapshotAck> responses;
    private final Set<String> fileNames = new HashSet<>();
    private Header header;
    /** The sender the first chunk claimed, for log lines about a stream refused before its header was accepted. */
    private long claimedFrom;
    private boolean done;
    private boolean answered;
    private String fileName;
    private FileChannel file;
    private long fileOffset;
    private long totalBytes;

    IncomingSnapshot(SnapshotReceiver receiver, PeerConfig config, InboundHandler inbound,
                     PeerServiceCounters counters, StreamObserver<SnapshotAck> responses) {
        this.receiver = receiver;
        this.config = config;
        this.inbound = inbound;
        this.counters = counters;
        this.responses = responses;
    }

    @Override
    public void onNext(SnapshotChunk chunk) {
        if (done) {
            return; // already answered; gRPC may still deliver chunks the sender had in flight
        }
        try {
            accept(chunk);
        } catch (RejectedException e) {
            reject(e.getMessage(), null);
        } catch (IOException e) {
            reject("I/O error: " + e, e);
        } catch (RuntimeException e) {
            reject("internal error: " + e, e);
        }
    }

    @Override
    public void onError(Throwable cause) {
        if (done) {
            return;
        }
        done = true;
        counters.snapshotsRejected.increment();
        log.warn("snapshot stream from peer={} index={} aborted by the sender: {}", from(), index(),
                PeerConnection.describe(cause));
        cleanUp();
    }

    @Override
    public void onCompleted() {
        if (!done) {
            reject("stream ended before the last chunk", null);
        }
    }

    private void accept(SnapshotChunk chunk) throws RejectedException, IOException {
        if (header == null) {
            claimedFrom = chunk.getFrom();
            header = begin(chunk);
        } else {
            checkSameStream(chunk);
        }
        if (System.nanoTime() - header.startNanos() > config.snapshotTimeout().toNanos()) {
            throw new RejectedException("transfer took longer than " + config.snapshotTimeout());
        }
        CRC32C crc = new CRC32C();
        crc.update(chunk.getData().asReadOnlyByteBuffer());
        if ((int) crc.getValue() != chunk.getCrc32C()) {
            throw new RejectedException("CRC-32C mismatch in " + chunk.getFileName() + " at offset " + chunk.getOffset());
        }
        if (chunk.getLast() && !chunk.getLastChunkOfFile()) {
            throw new RejectedException("last chunk does not end its file " + chunk.getFileName());
        }
        write(chunk);
        if (chunk.getLast()) {
            finish();
        }
    }

    private Header begin(SnapshotChunk chunk) throws RejectedException, IOException {
        if (chunk.getClusterId() != config.clusterId()) {
            throw new RejectedException("peer " + chunk.getFrom() + " belongs to cluster "
                    + Long.toUnsignedString(chunk.getClusterId()) + ", not " + Long.toUnsignedString(config.clusterId()));
        }
        if (chunk.getTo() != config.nodeId()) {
            throw new RejectedException("snapshot for node " + chunk.getTo() + " reached node " + config.nodeId());
        }
        if (chunk.getFrom() <= 0 || chunk.getFrom() == config.nodeId() || chunk.getTerm() < 0) {
            throw new RejectedException("bad sender " + chunk.getFrom() + " or term " + chunk.getTerm());
        }
        if (!chunk.hasMetadata()) {
            throw new RejectedException("first chunk carries no metadata");
        }
        SnapshotMetadata metadata;
        try {
            metadata = MessageCodec.decodeSnapshotMetadata(chunk.getMetadata());
        } catch (MalformedMessageException e) {
            throw new RejectedException(e.getMessage());
        }
        if (metadata.index() == 0) {
            throw new RejectedException("snapshot at index 0");
        }
        Path workDirectory = config.snapshotsRoot().resolve(SnapshotFiles.INCOMING_PREFIX + chunk.getFrom() + "-"
                + metadata.index() + SnapshotFiles.TEMP_SUFFIX);
        Optional<String> refusal = receiver.reserve(workDirectory);
        if (refusal.isPresent()) {
            throw new RejectedException(refusal.get());
        }
        // From here on the directory is ours: cleanUp() deletes it and releases the reservation.
        Header started = new Header(chunk.getFrom(), chunk.getTo(), chunk.getTerm(), metadata, workDirectory,
                System.nanoTime());
        header = started; // set here, not only by the caller, so cleanUp() sees it if creating the directory fails
        SnapshotFiles.deleteRecursively(workDirectory);
        Files.createDirectory(workDirectory);
        return started;
    }

    private void checkSameStream(SnapshotChunk chunk) throws RejectedException {
        if (chunk.getClusterId() != config.clusterId() || chunk.getFrom() != header.from()
                || chunk.getTo() != header.to() || chunk.getTerm() != header.term()) {
            throw new RejectedException("chunk addressed differently from the first chunk");
        }
        if (chunk.hasMetadata()) {
            throw new RejectedException("metadata on a chunk after the first");
        }
    }

    private void write(SnapshotChunk chunk) throws RejectedException, IOException {
        String name = chunk.getFileName();
        Optional<String> problem = SnapshotFiles.nameProblem(name);
        if (problem.isPresent()) {
            throw new RejectedException("bad file name: " + problem.get());
        }
        if (file == null) {
            if (!fileNames.add(name)) {
                throw new RejectedException("file " + name + " sent twice");
            }
            if (fileNames.size() > config.snapshotFilesMax()) {
                throw new RejectedException("more than " + config.snapshotFilesMax() + " files");
            }
            file = FileChannel.open(SnapshotFiles.child(header.workDirectory(), name),
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            fileName = name;
            fileOffset = 0;
        } else if (!name.equals(fileName)) {
            throw new RejectedException("file " + name + " began before " + fileName + " ended");
        }
        if (chunk.getOffset() != fileOffset) {
            throw new RejectedException("file " + name + " chunk at offset " + chunk.getOffset() + ", expected " + fileOffset);
        }
        long size = chunk.getData().size();
        if (totalBytes + size > config.snapshotBytesMax()) {
            throw new RejectedException("snapshot larger than " + config.snapshotBytesMax() + " bytes");
        }
        ByteBuffer data = chunk.getData().asReadOnlyByteBuffer();
        while (data.hasRemaining()) {
            file.write(data);
        }
        fileOffset += size;
        totalBytes += size;
        counters.snapshotBytesReceived.add(size);
        if (chunk.getLastChunkOfFile()) {
            file.force(true);
            file.close();
            file = null;
        }
    }

    private void finish() throws IOException {
        io.raftkv.raft.Invariants.check(file == null, "snapshot finished with %s still open", fileName);
        SnapshotFiles.fsyncDirectory(header.workDirectory());
        String descriptor = SnapshotFiles.directoryName(header.metadata());
        receiver.install(header.workDirectory(), descriptor, header.from());
        receiver.release(header.workDirectory());
        done = true;
        Message message = new Message.InstallSnapshot(header.from(), header.to(), header.term(),
                new Snapshot(header.metadata(), descriptor.getBytes(StandardCharsets.UTF_8)));
        if (!inbound.offer(message)) {
            // The files are installed but Raft never heard: the leader retries and the next copy replaces these.
            counters.messagesDroppedQueueFull.increment();
            counters.snapshotsRejected.increment();
            log.warn("snapshot from peer={} index={} installed as {} but the raft loop queue is full; refusing it",
                    header.from(), header.metadata().index(), descriptor);
            answer(false, "raft loop inbound queue full; retry");
            return;
        }
        counters.snapshotsReceived.increment();
        log.info("snapshot from peer={} installed index={} term={} files={} bytes={} as {}", header.from(),
                header.metadata().index(), header.metadata().term(), fileNames.size(), totalBytes, descriptor);
        answer(true, "");
    }

    private void reject(String reason, Throwable cause) {
        done = true;
        counters.snapshotsRejected.increment();
        if (cause == null || cause instanceof IOException) {
            log.warn("snapshot from peer={} index={} rejected: {}", from(), index(), reason);
        } else {
            log.error("snapshot from peer={} index={} rejected: {}", from(), index(), reason, cause);
        }
        cleanUp();
        answer(false, reason);
    }

    private void answer(boolean accepted, String error) {
        if (answered) {
            return; // a failure after the answer (e.g. in the inbound handler) was logged by reject
        }
        answered = true;
        responses.onNext(SnapshotAck.newBuilder().setAccepted(accepted).setError(error).build());
        responses.onCompleted();
    }

    /** Closes the open file, deletes the work directory and gives up the reservation. */
    private void cleanUp() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                log.warn("could not close snapshot file {}", fileName, e);
            }
            file = null;
        }
        if (header == null) {
            return;
        }
        try {
            SnapshotFiles.deleteRecursively(header.workDirectory());
        } catch (IOException e) {
            // Deleted at the next start at the latest (SnapshotReceiver's constructor).
            log.warn("could not delete snapshot work directory {}", header.workDirectory(), e);
        }
        receiver.release(header.workDirectory());
    }

    private String from() {
        return Long.toUnsignedString(header == null ? claimedFrom : header.from());
    }

    private String index() {
        return header == null ? "?" : Long.toString(header.metadata().index());
    }

    /** The peer's snapshot is refused; the message is what the ack's error says. */
    private static final class RejectedException extends Exception {
        RejectedException(String message) {
            super(message);
        }
    }
}
