package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.raftkv.proto.api.RequestId;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionSlotsTest {
  private static final long BASE = 0x1234_5678_9abc_def0L;
  private static final long FAR = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);

  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  private static SessionSlots.Slot now(CompletableFuture<SessionSlots.Slot> future) {
    assertTrue(future.isDone(), "a slot should be available at once");
    return future.join();
  }

  @Test
  void slotsAreCreatedLazilyAndTheMostRecentlyFreedIsReusedFirst() {
    SessionSlots slots = new SessionSlots(BASE, 8, scheduler);
    assertEquals(0, slots.slotCount());

    SessionSlots.Slot first = now(slots.acquire(FAR));
    assertEquals(BASE, first.clientId, "the first slot writes under the base id");
    assertEquals(RequestId.newBuilder().setClientId(BASE).setSequence(1).build(), first.nextRequestId());
    slots.release(first);
    SessionSlots.Slot again = now(slots.acquire(FAR));
    assertSame(first, again);
    assertEquals(2, again.nextRequestId().getSequence(), "a slot's sequence continues across writes");

    SessionSlots.Slot second = now(slots.acquire(FAR));
    assertNotEquals(first.clientId, second.clientId);
    assertEquals(1, second.nextRequestId().getSequence(), "each slot has its own sequence");
    assertEquals(2, slots.slotCount());
    slots.release(again);
    slots.release(second);
    assertSame(second, now(slots.acquire(FAR)));
    assertEquals(2, slots.slotCount());
  }

  @Test
  void aWriteWaitsForAFreeSlotAndGetsTheOneGivenBack() {
    SessionSlots slots = new SessionSlots(BASE, 1, scheduler);
    SessionSlots.Slot held = now(slots.acquire(FAR));
    held.nextRequestId();

    CompletableFuture<SessionSlots.Slot> waiting = slots.acquire(FAR);
    assertFalse(waiting.isDone());
    slots.release(held);

    assertSame(held, now(waiting));
    assertEquals(2, held.nextRequestId().getSequence());
    assertEquals(1, slots.slotCount());
  }

  @Test
  void aWriteThatFindsNoSlotBeforeItsDeadlineFailsWithResourceExhausted() throws Exception {
    SessionSlots slots = new SessionSlots(BASE, 1, scheduler);
    SessionSlots.Slot held = now(slots.acquire(FAR));
    long start = System.nanoTime();

    CompletableFuture<SessionSlots.Slot> waiting = slots.acquire(start + TimeUnit.MILLISECONDS.toNanos(50));
    ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));

    assertTrue(Duration.ofNanos(System.nanoTime() - start).toMillis() >= 40, "failed before the deadline");
    ResourceExhaustedException cause = assertInstanceOf(ResourceExhaustedException.class, e.getCause());
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, cause.status());
    assertTrue(cause.getMessage().contains("no free session slot before the deadline"), cause.getMessage());
    // The expired write is gone: the slot given back is free for the next one.
    slots.release(held);
    assertSame(held, now(slots.acquire(FAR)));
  }

  @Test
  void waitingWritesAreBoundedAndBeyondTheBoundFailAtOnce() {
    SessionSlots slots = new SessionSlots(BASE, 1, scheduler);
    now(slots.acquire(FAR));
    CompletableFuture<SessionSlots.Slot> waiting = slots.acquire(FAR);

    CompletableFuture<SessionSlots.Slot> refused = slots.acquire(FAR);

    assertFalse(waiting.isDone());
    assertTrue(refused.isCompletedExceptionally());
    ResourceExhaustedException e = assertThrows(ResourceExhaustedException.class, () -> Futures.join(refused));
    assertTrue(e.getMessage().contains("already wait"), e.getMessage());
  }

  @Test
  void neverMoreSlotsThanTheMaximum() {
    SessionSlots slots = new SessionSlots(BASE, 3, scheduler);
    for (int i = 0; i < 3; i++) {
      now(slots.acquire(FAR));
    }

    assertFalse(slots.acquire(FAR).isDone());
    assertEquals(3, slots.slotCount());
  }

  @Test
  void givingBackASlotTwiceIsCaught() {
    SessionSlots slots = new SessionSlots(BASE, 2, scheduler);
    SessionSlots.Slot slot = now(slots.acquire(FAR));
    slots.release(slot);

    assertThrows(AssertionError.class, () -> slots.release(slot));
  }
}
