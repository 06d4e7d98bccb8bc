package io.raftkv.client;

import io.grpc.Status;
import io.raftkv.proto.api.RequestId;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A client's exactly-once sessions: a pool of session slots, one per write in flight. Owned by
 * {@link ClientCore}; thread-safe.
 *
 * <p><b>Why slots.</b> The server keeps one session per client id (Raft thesis §6.3; kv-server's
 * {@code Sessions}): the highest sequence applied and its response. A write with a higher sequence
 * is applied; the last sequence again is a retry, answered with the stored response; a lower one
 * is refused with STALE_SEQUENCE. So one client id can have only one write outstanding. Two
 * concurrent writes numbered n and n+1 under one id can reach the leader in either order (other
 * threads, other connections, a retry after backoff), and once n+1 is applied, n is refused. With
 * one id and one shared counter, half the puts of a pipelined bench failed that way.
 *
 * <p><b>The scheme.</b> Each slot has its own client id ({@link SessionIds#slotClientId}, from the
 * client's random base id and the slot number) and its own sequence counter. A write borrows a
 * slot for its whole life: it takes a free one, numbers itself once with (slot id, ++slot
 * sequence), re-sends that same pair on every retry, and gives the slot back when it completes
 * with a result, with a definite failure, or given up with its outcome unknown (the deadline
 * passed). A slot has at most one write outstanding, so the server sees each slot's sequences in
 * increasing order. A write given up as unknown may still be in the server's pipeline when its
 * slot moves on. It is then either applied before the slot's next write, or refused as stale
 * after it: applied at most once either way. The next write, numbered higher, is never refused.
 *
 * <p><b>Bounds.</b> Slots are created lazily, up to {@code slotsMax} (the builder's inflightMax),
 * and the most recently freed slot is reused first. So a client creates only as many slots, and
 * server sessions, as it ever had writes in flight at once. A client writing from one thread uses
 * one slot, whose id is the base id. When every slot is taken, a write waits for one
 * asynchronously (a callback; no thread blocks or spins) until its deadline, then fails with
 * {@link ResourceExhaustedException}. At most {@code slotsMax} writes wait; beyond that a write
 * fails at once. Under {@link ClientCore} no write waits: a write takes one of the inflightMax
 * request permits before its slot and gives the slot back before the permit. A write holding a
 * permit therefore always finds a slot. The wait is this pool's own guarantee, not something
 * ClientCore relies on.
 *
 * <p><b>Server sessions.</b> Every slot used becomes a session on the server, holding the slot's
 * last response. The server drops a session idle for longer than its session TTL
 * ({@code --session-ttl-ms}, 10 minutes by default). The slot's next write then opens a fresh
 * session, which the server accepts because it has no older sequence to compare with. Dropping is
 * safe because the TTL far exceeds a write's retry time (the request timeout): no write is still
 * being retried when its session goes. A session holds one response, so a client's footprint on
 * the server is bounded by inflightMax responses.
 *
 * <p>Locking: guarded by {@code this}. Futures are completed outside the lock, because completing
 * one runs the waiting write's next step.
 */
final class SessionSlots {
  private final long baseId;
  private final int slotsMax;
  private final int waitersMax;
  private final ScheduledExecutorService scheduler;
  /** Slots created so far; slot k has number k. Invariant: 0 <= slotCount <= slotsMax. */
  private int slotCount;
  /**
   * Free slots, the most recently freed last; taken from the end, so that busy slots are reused
   * and idle ones expire on the server. Invariant: free.size() <= slotCount.
   */
  private final ArrayDeque<Slot> free = new ArrayDeque<>();
  /**
   * Writes waiting for a slot, oldest first. Invariant: waiters.size() <= waitersMax. Nonempty
   * only while every slot is taken. (An ArrayDeque rather than an ArrayBlockingQueue: the bound may
   * be 2^20, and an ArrayBlockingQueue would allocate all of it up front.)
   */
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

  /**
   * @param baseId the client's base id, non-zero; slot 0 uses it as is
   * @param slotsMax slots, and so server sessions, at most; also the cap on waiting writes
   * @param scheduler runs the deadline of each waiting write
   */
  SessionSlots(long baseId, int slotsMax, ScheduledExecutorService scheduler) {
    if (baseId == 0) {
      throw new IllegalArgumentException("base client id must be non-zero");
    }
    if (slotsMax < 1) {
      throw new IllegalArgumentException("slotsMax must be positive, got " + slotsMax);
    }
    this.baseId = baseId;
    this.slotsMax = slotsMax;
    this.waitersMax = slotsMax;
    this.scheduler = scheduler;
  }

  long baseId() {
    return baseId;
  }

  /** Slots created so far: the most writes this client has had in flight at once. */
  synchronized int slotCount() {
    return slotCount;
  }

  /**
   * A slot for one write: at once if one is free or may still be created; else the next one given
   * back before {@code deadlineNanos} (on the {@link System#nanoTime()} scale). The future fails
   * with {@link ResourceExhaustedException} at the deadline, or at once if too many writes
   * already wait. The caller must {@link #release} the slot exactly once.
   */
  CompletableFuture<Slot> acquire(long deadlineNanos) {
    Waiter waiter;
    synchronized (this) {
      Slot slot = takeFree();
      if (slot != null) {
        return CompletableFuture.completedFuture(slot);
      }
      if (waiters.size() >= waitersMax) {
        return CompletableFuture.failedFuture(exhausted(
            "no free session slot: all " + slotsMax + " are taken by writes in flight and " + waitersMax
                + " more writes already wait for one (the builder's inflightMax)"));
      }
      waiter = new Waiter();
      waiters.addLast(waiter);
    }
    long delayNanos = Math.max(0, deadlineNanos - System.nanoTime());
    try {
      waiter.timeout = scheduler.schedule(() -> expire(waiter, exhausted(
          "no free session slot before the deadline: all " + slotsMax
              + " are taken by writes in flight (the builder's inflightMax)")),
          delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException shutDown) {
      expire(waiter, ClientCore.closedException());
    }
    return waiter.future;
  }

  /**
   * Gives a slot back after its write completed: to the oldest waiting write if there is one,
   * else to the free slots.
   */
  void release(Slot slot) {
    Waiter next;
    synchronized (this) {
      Invariants.check(slot.inUse, "slot %d (client %d) released but not in use", slot.number, slot.clientId);
      next = waiters.pollFirst();
      if (next == null) {
        slot.inUse = false;
        free.addLast(slot);
        Invariants.check(free.size() <= slotCount, "%d free slots but only %d created", free.size(), slotCount);
        return;
      }
      // Handed over still in use: the waiting write is the slot's next owner.
    }
    ScheduledFuture<?> timeout = next.timeout;
    if (timeout != null) {
      timeout.cancel(false);
    }
    next.future.complete(slot);
  }

  /** Call only when holding the lock. A free slot, or a new one while fewer than slotsMax exist. */
  private Slot takeFree() {
    Slot slot = free.pollLast();
    if (slot == null && slotCount < slotsMax) {
      slot = new Slot(slotCount, SessionIds.slotClientId(baseId, slotCount));
      slotCount++;
    }
    if (slot != null) {
      Invariants.check(!slot.inUse, "slot %d (client %d) is free and in use", slot.number, slot.clientId);
      slot.inUse = true;
    }
    return slot;
  }

  /** Fails a waiting write, unless release() already handed it a slot. */
  private void expire(Waiter waiter, RaftKvException error) {
    boolean stillWaiting;
    synchronized (this) {
      stillWaiting = waiters.remove(waiter);
    }
    if (stillWaiting) {
      waiter.future.completeExceptionally(error);
    }
  }

  private static ResourceExhaustedException exhausted(String message) {
    return new ResourceExhaustedException(Status.Code.RESOURCE_EXHAUSTED, ErrorCode.UNKNOWN, message, null);
  }

  /** A write waiting for a slot. Its future is completed once, by release() or by expire(). */
  private static final class Waiter {
    final CompletableFuture<Slot> future = new CompletableFuture<>();
    /** Set just after the waiter is queued; release() may run first and then finds it null. */
    volatile ScheduledFuture<?> timeout;
  }

  /**
   * One server session: a client id and its sequence counter. Owned by one write at a time; the
   * pool hands it from one owner to the next under its lock, which orders the first owner's
   * sequence update before the next owner's.
   */
  static final class Slot {
    final int number;
    final long clientId;
    /** Last sequence handed out; sequences start at 1. Written only by the owning write. */
    private long lastSequence;
    /** Guarded by the pool. */
    private boolean inUse;

    private Slot(int number, long clientId) {
      Invariants.check(clientId != 0, "slot %d got client id 0", number);
      this.number = number;
      this.clientId = clientId;
    }

    /** The owning write's request id; called once per write, and every retry re-sends it. */
    RequestId nextRequestId() {
      lastSequence++;
      Invariants.check(lastSequence > 0, "slot %d sequence wrapped", number);
      return RequestId.newBuilder().setClientId(clientId).setSequence(lastSequence).build();
    }
  }
}
