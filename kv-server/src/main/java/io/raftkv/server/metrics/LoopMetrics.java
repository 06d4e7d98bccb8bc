package io.raftkv.server.metrics;

import io.raftkv.raft.SoftState;
import io.raftkv.server.loop.LoopObserver;
import io.raftkv.server.loop.LoopStatus;
import java.util.function.Supplier;

/**
 * The raft loop's observer, recording into {@link NodeMetrics}. The term, commit and applied
 * gauges are refreshed from the loop's published status on each callback, since no callback
 * carries them; a gauge may thus trail the loop by one iteration.
 *
 * <p>{@link #inboundDropped} records nothing: the same drop is counted by the peer service as
 * {@code raft.peer.messages.dropped{direction=inbound,reason=queue_full}}
 * (see {@link NodeMetrics#bindPeerCounters}). Thread-safe, as {@link NodeMetrics} is.
 */
public final class LoopMetrics implements LoopObserver {
    private final NodeMetrics metrics;
    private final Supplier<LoopStatus> status;

    /**
     * @param status the loop's last published status, such as {@code loop::status}; may return
     *               null before the loop first publishes
     */
    public LoopMetrics(NodeMetrics metrics, Supplier<LoopStatus> status) {
        this.metrics = metrics;
        this.status = status;
    }

    @Override
    public void fsync(long nanos, int entries) {
        metrics.recordFsync(nanos, entries);
        refresh();
    }

    @Override
    public void proposalsAccepted(int count) {
        metrics.proposalsAccepted(count);
    }

    @Override
    public void proposalsDropped(String reason, int count) {
        metrics.proposalsDropped(reason, count);
    }

    @Override
    public void committed(int entries) {
        metrics.committed(entries);
        refresh();
    }

    @Override
    public void applied(int entries, long nanos) {
        metrics.applied(entries, nanos);
        refresh();
    }

    @Override
    public void roleChanged(SoftState before, SoftState after, long term) {
        metrics.term(term);
        metrics.softState(after);
    }

    @Override
    public void readIndexLatency(long nanos) {
        metrics.recordReadIndex(nanos);
    }

    @Override
    public void readIndexResent(int rounds) {
        metrics.readIndexResent(rounds);
    }

    @Override
    public void snapshotStarted(long appliedIndex) {
        metrics.snapshotStarted(appliedIndex);
    }

    @Override
    public void snapshotTaken(long bytes, long nanos) {
        metrics.snapshotCreated(bytes, nanos);
    }

    @Override
    public void snapshotInstalled(long index) {
        refresh();
    }

    private void refresh() {
        LoopStatus now = status.get();
        if (now != null) {
            metrics.term(now.term());
            metrics.commitIndex(now.commit());
            metrics.appliedIndex(now.applied());
        }
    }
}
