package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SearchStructuresTest {

    private static List<Integer> walk(EntryList entries) {
        List<Integer> order = new ArrayList<>();
        for (int entry = entries.first(); entry != entries.tail(); entry = entries.next(entry)) {
            order.add(entry);
        }
        return order;
    }

    @Test
    void entriesFollowRealTimeWithUncertainReturnsLast() {
        // write 1 [0,3], info write 2 [1,+inf), read [2,4]
        History history = new TestHistory().invoke(1, "x", Call.write(1)).invoke(2, "x", Call.write(2))
                .invoke(3, "x", Call.read()).ok(1, "x", Call.write(1)).ok(3, "x", Call.read(2))
                .info(2, "x", Call.write(2)).build();
        EntryList entries = new EntryList(KeyProblem.encode(history));
        assertEquals(List.of(1, 3, 5, 2, 6, 4), walk(entries));
    }

    @Test
    void unliftingInReverseOrderRestoresTheList() {
        History history = new TestHistory().invoke(1, "x", Call.write(1)).invoke(2, "x", Call.write(2))
                .ok(2, "x", Call.write(2)).invoke(3, "x", Call.write(3)).ok(1, "x", Call.write(1))
                .ok(3, "x", Call.write(3)).build();
        EntryList entries = new EntryList(KeyProblem.encode(history));
        List<Integer> original = walk(entries);
        entries.lift(EntryList.callOf(1));
        entries.lift(EntryList.callOf(0));
        assertEquals(List.of(5, 6), walk(entries));
        entries.unlift(EntryList.callOf(0));
        entries.unlift(EntryList.callOf(1));
        assertEquals(original, walk(entries));
    }

    @Test
    void theMemoKnowsASetAndStateItHasSeen() {
        LinearizedSet set = new LinearizedSet(130);
        MemoTable memo = new MemoTable(set.wordCount(), 64L << 20);
        set.add(129);
        assertTrue(memo.add(set, 1));
        assertFalse(memo.add(set, 1));
        assertTrue(memo.add(set, 2));
        set.add(3);
        assertTrue(memo.add(set, 1));
        set.remove(3);
        assertFalse(memo.add(set, 1));
        assertEquals(3, memo.size());
    }

    @Test
    void theMemoGrowsAndRemembersEverything() {
        LinearizedSet set = new LinearizedSet(64);
        MemoTable memo = new MemoTable(set.wordCount(), 64L << 20);
        for (int state = 0; state < 50_000; state++) {
            assertTrue(memo.add(set, state));
        }
        for (int state = 0; state < 50_000; state++) {
            assertFalse(memo.add(set, state));
        }
        assertFalse(memo.isFull());
    }

    @Test
    void theMemoReportsFullNearItsBudget() {
        LinearizedSet set = new LinearizedSet(64);
        MemoTable memo = new MemoTable(set.wordCount(), 1 << 20);
        int state = 0;
        while (!memo.isFull()) {
            assertTrue(memo.add(set, state++));
            assertTrue(state < 1 << 20, "the memo must fill up");
        }
        assertTrue(memo.estimatedBytes() <= (1 << 20) + 64, "estimated " + memo.estimatedBytes());
    }

    @Test
    void unobservedInfoWritesAreDroppedButObservedOnesKept() {
        History history = new TestHistory()
                .invoke(1, "x", Call.write(1)).info(1, "x", Call.write(1))
                .invoke(2, "x", Call.write(2)).info(2, "x", Call.write(2))
                .invoke(3, "x", Call.cas(2, 3)).info(3, "x", Call.cas(2, 3))
                .invoke(4, "x", Call.cas(5, 6)).info(4, "x", Call.cas(5, 6))
                .write(5, "x", 7).read(5, "x", 3).build();
        KeyProblem problem = KeyProblem.encode(history);
        List<String> kept = new ArrayList<>();
        for (int operation = 0; operation < problem.size(); operation++) {
            kept.add(problem.operation(operation).call().describe());
        }
        // write 2 stays because the kept cas expects 2; cas 5 -> 6 goes since no one reads 6.
        assertEquals(List.of("write 2", "cas 2 -> 3", "write 7", "read -> 3"), kept);
    }

    @Test
    void identicalInfoOperationsAreChainedInInvocationOrder() {
        History history = new TestHistory()
                .invoke(1, "x", Call.write(1)).invoke(2, "x", Call.write(1)).invoke(3, "x", Call.write(1))
                .read(4, "x", 1).build();
        KeyProblem problem = KeyProblem.encode(history);
        assertEquals(-1, problem.previousSameCall(0));
        assertEquals(0, problem.previousSameCall(1));
        assertEquals(1, problem.previousSameCall(2));
        assertEquals(-1, problem.previousSameCall(3));
    }
}
