package io.raftkv.server.loop;

import io.raftkv.raft.SoftState;

/** What the raft loop reports as it works; the server binds it to metrics. Called from the loop threads. */
public interface LoopObserver {
    default void fsync(long nanos, int entries) {}

    default void proposalsAccepted(int count) {}

    default void proposalsDropped(String reason, int count) {}

    default void committed(int entries) {}

    default void applied(int entries, long nanos) {}

    default void roleChanged(SoftState before, SoftState after, long term) {}

    default void readIndexLatency(long nanos) {}

    /** A follower sent {@code rounds} read-index rounds again, their request or answer lost. */
    default void readIndexResent(int rounds) {}

    default void inboundDropped() {}

    /** The apply thread handed a checkpoint of the state at {@code appliedIndex} or later to the checkpoint thread. */
    default void snapshotStarted(long appliedIndex) {}

    default void snapshotTaken(long bytes, long nanos) {}

    default void snapshotInstalled(long index) {}

    LoopObserver NONE = new LoopObserver() {};
}
