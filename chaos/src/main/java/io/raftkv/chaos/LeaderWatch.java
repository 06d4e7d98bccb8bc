package io.raftkv.chaos;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Polls every node's Status every {@value #POLL_MILLIS} ms and keeps the current leader: the one
 * reported at the highest term (an isolated old leader still claims leadership at its old term). It
 * counts leader changes as the distinct (term, leader) pairs seen after the first, so a change that
 * starts and ends between two polls is missed: the count is a lower bound. Thread-safe.
 */
final class LeaderWatch implements AutoCloseable {
    static final long POLL_MILLIS = 100;
    private static final Duration STATUS_DEADLINE = Duration.ofMillis(250);

    private final ClusterClient client;
    private final Nodes nodes;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int leaderSlot;
    private volatile long leaderChanges;
    private long lastTerm = -1;
    private long lastLeader;

    LeaderWatch(ClusterClient client, Nodes nodes) {
        this.client = client;
        this.nodes = nodes;
        this.thread = Thread.ofPlatform().daemon().name("chaos-leader-watch").unstarted(this::run);
    }

    void start() {
        thread.start();
    }

    /** The slot of the current leader, or 0 when no leader is known. */
    int leaderSlot() {
        return leaderSlot;
    }

    long leaderChanges() {
        return leaderChanges;
    }

    /** Waits until a leader is known; returns its slot, or 0 after {@code timeout}. */
    int awaitLeader(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            int slot = leaderSlot;
            if (slot != 0) {
                return slot;
            }
            Thread.sleep(POLL_MILLIS / 2);
        }
        return leaderSlot;
    }

    private void run() {
        while (running) {
            try {
                poll();
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void poll() throws InterruptedException {
        List<ListenableFuture<StatusResponse>> answers = new ArrayList<>();
        for (int slot = 1; slot <= client.nodes(); slot++) {
            answers.add(nodes.isRunning(slot) && !nodes.isPaused(slot)
                    ? client.maintenanceAsync(slot, STATUS_DEADLINE).status(StatusRequest.getDefaultInstance())
                    : null);
        }
        long bestTerm = -1;
        long bestLeader = 0;
        for (int slot = 1; slot <= client.nodes(); slot++) {
            ListenableFuture<StatusResponse> answer = answers.get(slot - 1);
            if (answer == null) {
                continue;
            }
            try {
                StatusResponse status = answer.get(STATUS_DEADLINE.toMillis() + 200, TimeUnit.MILLISECONDS);
                if (status.getRaftTerm() > bestTerm || (status.getRaftTerm() == bestTerm && bestLeader == 0)) {
                    bestTerm = status.getRaftTerm();
                    bestLeader = status.getLeader();
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof StatusRuntimeException failure) {
                    client.noteFailure(slot, failure);
                }
            } catch (TimeoutException e) {
                answer.cancel(true);
            }
        }
        int slot = bestLeader == 0 ? 0 : nodes.slotOfMember(bestLeader);
        leaderSlot = slot;
        // A lower term than seen before is a stale view (the newer nodes did not answer this round).
        if (bestLeader != 0 && (bestTerm > lastTerm || (bestTerm == lastTerm && bestLeader != lastLeader))) {
            if (lastTerm >= 0) {
                leaderChanges++;
            }
            lastTerm = bestTerm;
            lastLeader = bestLeader;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
