package io.raftkv.server.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Zero-fills the WAL's next segment on its own thread while the current one fills, so the raft loop
 * finds it ready when it rolls (64 MiB takes ~50 ms here, a pause the loop would otherwise take).
 * One file at a time: {@link #prepare} is called again only after {@link #take}.
 */
final class SegmentPreparer implements AutoCloseable {
    private final Path directory;
    private final int capacity;
    private final ExecutorService executor;
    private Future<Path> pending;
    private long pendingSeq;

    SegmentPreparer(Path directory, int capacity) {
        this.directory = directory;
        this.capacity = capacity;
        this.executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "raftkv-wal-prepare");
            thread.setDaemon(true);
            return thread;
        });
    }

    static Path preparedPath(Path directory, long seq) {
        return directory.resolve(String.format("%016x%s", seq, WalSegment.PREPARED_SUFFIX));
    }

    /** Starts zero-filling the file for segment seq in the background. */
    void prepare(long seq) {
        if (pending != null) {
            throw new IllegalStateException("segment " + pendingSeq + " is already being prepared");
        }
        pendingSeq = seq;
        pending = executor.submit(() -> create(seq, capacity));
    }

    /**
     * A synced, zero-filled file of at least {@code bytesNeeded} bytes for segment seq: the one
     * prepared ahead, or (for an oversized save, or none prepared) one made now.
     */
    Path take(long seq, int bytesNeeded) {
        Path ready = null;
        if (pending != null) {
            ready = awaitPending();
            if (pendingSeq != seq || bytesNeeded > capacity) {
                deletePrepared(ready);
                ready = null;
            }
        }
        return ready != null ? ready : create(seq, Math.max(capacity, bytesNeeded));
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new StorageFailedException("the WAL segment preparer did not stop within 10 s in " + directory);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (pending != null) {
            deletePrepared(preparedPath(directory, pendingSeq));
            pending = null;
        }
    }

    private Path awaitPending() {
        Future<Path> future = pending;
        pending = null;
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageFailedException("interrupted waiting for WAL segment " + pendingSeq + " in " + directory, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageFailedException failed) {
                throw failed;
            }
            throw new StorageFailedException("preparing WAL segment " + pendingSeq + " failed in " + directory, e.getCause());
        }
    }

    private Path create(long seq, int bytes) {
        Path path = preparedPath(directory, seq);
        deletePrepared(path);
        WalSegment.createZeroed(path, bytes);
        return path;
    }

    private void deletePrepared(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw StorageErrors.of(e, "deleting prepared WAL segment " + path.getFileName(), directory);
        }
    }
}
