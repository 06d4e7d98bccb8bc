package io.raftkv.server.loop;

import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import io.raftkv.server.storage.ApplyResult;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes this node proposed as leader, by log index, waiting to be applied. The loop thread
 * registers a write right after the core accepted it (before the Ready carrying it exists), the
 * apply thread completes it, so the registration always happens first. If a different entry (a
 * later leader's) lands at the index, the write's outcome is unknown to us: it may have been
 * committed elsewhere under a retry, so the client is told LEADER_CHANGED and retries with the same
 * request id. Bounded by the core's uncommitted-bytes limit.
 */
final class PendingWrites {
    private record PendingWrite(long term, CompletableFuture<ApplyResult> future) {}

    private final ConcurrentHashMap<Long, PendingWrite> byIndex = new ConcurrentHashMap<>();

    void register(long index, long term, CompletableFuture<ApplyResult> future) {
        PendingWrite previous = byIndex.put(index, new PendingWrite(term, future));
        if (previous != null) {
            // Our own earlier proposal at this index was overwritten before it was applied.
            previous.future.completeExceptionally(leaderChanged(index));
        }
    }

    /** The state machine applied the entry at (index, term) with this result. */
    void applied(long index, long term, ApplyResult result) {
        PendingWrite pending = byIndex.remove(index);
        if (pending == null) {
            return;
        }
        if (pending.term == term) {
            pending.future.complete(result);
        } else {
            pending.future.completeExceptionally(leaderChanged(index));
        }
    }

    void failAll(ServerException error) {
        for (Long index : byIndex.keySet()) {
            PendingWrite pending = byIndex.remove(index);
            if (pending != null) {
                pending.future.completeExceptionally(error);
            }
        }
    }

    int size() {
        return byIndex.size();
    }

    private static ServerException leaderChanged(long index) {
        return ServerException.of(ErrorCode.LEADER_CHANGED,
                "leadership changed before the write at index %d was applied; its outcome is unknown, retry with the same request id", index);
    }
}
