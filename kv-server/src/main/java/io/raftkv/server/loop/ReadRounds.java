package io.raftkv.server.loop;

import io.raftkv.raft.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The read-index rounds this node asked for and has not had answered: context -> the reads that share
 * it, and when it was last sent. Loop thread only.
 *
 * <p>A follower's round is a message to the leader and an answer back, and either can be lost (a
 * dropped connection, a full inbound queue). Nothing in Raft sends it again, so a lost round would
 * hold its reads until the leader changes or the client gives up. As etcd does (its
 * readIndexRetryTime, 500 ms), the loop sends a round again under the same context once it has
 * waited {@code resendNanos}; the leader answers each copy, and the answers after the first find
 * nothing here and are dropped.
 *
 * @param <R> one waiting read
 */
final class ReadRounds<R> {
    private record Round<R>(List<R> reads, long sentNanos) {}

    private final long resendNanos;
    private final Map<Long, Round<R>> rounds = new HashMap<>();
    private long nextContext = 1;
    private int reads;

    ReadRounds(long resendNanos) {
        Invariants.check(resendNanos > 0, "read resend interval %d ns is not positive", resendNanos);
        this.resendNanos = resendNanos;
    }

    /** Opens a round for {@code batch}, sent at {@code nowNanos}; returns its context. */
    long open(List<R> batch, long nowNanos) {
        Invariants.check(!batch.isEmpty(), "a read round without reads");
        long context = nextContext++;
        rounds.put(context, new Round<>(batch, nowNanos));
        reads += batch.size();
        return context;
    }

    /** Closes the round of {@code context} and returns its reads; empty if it is not open (a repeated answer). */
    List<R> close(long context) {
        Round<R> round = rounds.remove(context);
        if (round == null) {
            return List.of();
        }
        reads -= round.reads().size();
        return round.reads();
    }

    /** The contexts sent {@code resendNanos} or more before {@code nowNanos}, marked as sent again now. */
    List<Long> resendDue(long nowNanos) {
        List<Long> due = new ArrayList<>();
        for (Map.Entry<Long, Round<R>> entry : rounds.entrySet()) {
            if (nowNanos - entry.getValue().sentNanos() >= resendNanos) {
                due.add(entry.getKey());
                entry.setValue(new Round<>(entry.getValue().reads(), nowNanos));
            }
        }
        return due;
    }

    /** Closes every round, handing each read to {@code fail}. */
    void closeAll(Consumer<R> fail) {
        for (Round<R> round : rounds.values()) {
            round.reads().forEach(fail);
        }
        rounds.clear();
        reads = 0;
    }

    /** Reads in open rounds: the loop stops draining new reads at its limit. */
    int reads() {
        return reads;
    }

    boolean isEmpty() {
        return rounds.isEmpty();
    }
}
