package io.raftkv.raft.sim;

import io.raftkv.raft.Entry;
import io.raftkv.raft.HardState;
import io.raftkv.raft.Message;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.log.MemoryLogStorage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Raft's safety properties (Raft paper, Figure 3), checked incrementally as the drivers carry out
 * Readies, so a violation stops the seed at the step that caused it:
 * <ul>
 *   <li>election safety: at most one leader per term, ever;</li>
 *   <li>log matching: two entries with the same index and term are equal and follow the same term;</li>
 *   <li>leader completeness: a new leader of term T holds every entry committed in a term below T
 *       (the commit term of an index is the lowest term in which any node saw it committed: the
 *       committing leader sees it first, in its own term);</li>
 *   <li>state machine safety: no two nodes apply different entries (or reach different states) at
 *       one index;</li>
 *   <li>durable promises: a node's term never goes back, it never votes twice in a term, its commit
 *       never goes back within a life, and an append or vote acknowledgement leaves only once what it
 *       promises is on disk.</li>
 * </ul>
 * Lookups only (no iteration over hash maps), so nothing depends on hash order. Memory grows with
 * the log of one seed. Not thread-safe; one per seed.
 */
final class SafetyMonitor {
    /** What some node stored at (index, term): the entry and the term of the entry before it. */
    private record Stored(Entry entry, long previousTerm, long node) {}

    /** Off only in tests that show the other checks catch a broken promise by its consequences. */
    private final boolean promiseChecks;
    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** stored.get(index): the distinct (by term) entries any node has persisted at that index. */
    private final ArrayList<List<Stored>> stored = new ArrayList<>();
    /** applied.get(index): the entry nodes applied at that index (null if none did one by one). */
    private final ArrayList<Entry> applied = new ArrayList<>();
    /** digests[index]: the state-machine digest after applying through index; known[index] if set. */
    private long[] digests = new long[256];
    private boolean[] digestKnown = new boolean[256];
    /** commitTerms[index]: the lowest term in which a node saw index committed (0: not yet). */
    private long[] commitTerms = new long[256];
    /** committedEntryTerms[index]: the term of the entry committed there (0: not known yet). */
    private long[] committedEntryTerms = new long[256];
    private long committedIndexMax;
    private long appliedIndexMax;
    private long leadersElected;

    SafetyMonitor(boolean promiseChecks) {
        this.promiseChecks = promiseChecks;
    }

    long leadersElected() {
        return leadersElected;
    }

    long appliedIndexMax() {
        return appliedIndexMax;
    }

    /** The entry applied at {@code index}, or null if no node applied it one by one. */
    Entry appliedAt(long index) {
        return index < applied.size() ? applied.get((int) index) : null;
    }

    /** A node hands out a new hard state (term, vote, commit) in a Ready. */
    void onHardState(long node, HardState before, HardState after) {
        SimulationViolation.check(after.term() >= before.term(), "durable term",
                "n%d term went back from %d to %d", node, before.term(), after.term());
        SimulationViolation.check(after.term() > before.term() || before.vote() == 0 || after.vote() == before.vote(),
                "one vote per term", "n%d changed its vote in term %d from n%d to n%d",
                node, after.term(), before.vote(), after.vote());
        SimulationViolation.check(after.commit() >= before.commit(), "commit monotonic",
                "n%d commit went back from %d to %d", node, before.commit(), after.commit());
    }

    /** A new life of a node starts from its disk; its commit must not start below the persisted one. */
    void onStarted(long node, RaftNode raft, MemoryLogStorage disk) {
        long commit = raft.status().commit();
        SimulationViolation.check(commit >= disk.hardState().commit(), "commit monotonic",
                "n%d restarted with commit %d below its persisted commit %d", node, commit, disk.hardState().commit());
    }

    /**
     * A node's commit index moved from {@code from} to {@code to} while it was in {@code term}:
     * record each index's commit term and committed entry term, and check that nodes agree on what
     * was committed.
     */
    void onCommitted(long node, long term, long from, long to, RaftNode raft) {
        ensureCommitCapacity(to);
        for (long index = Math.max(from + 1, 2); index <= to; index++) {
            int at = (int) index;
            if (commitTerms[at] == 0 || term < commitTerms[at]) {
                commitTerms[at] = term;
            }
            long entryTerm = raft.termAt(index);
            if (entryTerm == 0) {
                continue;
            }
            if (committedEntryTerms[at] == 0) {
                committedEntryTerms[at] = entryTerm;
            } else {
                SimulationViolation.check(committedEntryTerms[at] == entryTerm, "state machine safety",
                        "n%d committed index %d with term %d where another node committed term %d",
                        node, index, entryTerm, committedEntryTerms[at]);
            }
        }
        committedIndexMax = Math.max(committedIndexMax, to);
    }

    private void ensureCommitCapacity(long index) {
        if (index >= commitTerms.length) {
            int length = (int) Math.max(index + 1, commitTerms.length * 2L);
            commitTerms = Arrays.copyOf(commitTerms, length);
            committedEntryTerms = Arrays.copyOf(committedEntryTerms, length);
        }
    }

    /** Election safety, then leader completeness, for a node that just became leader of {@code term}. */
    void onBecameLeader(long node, long term, RaftNode raft, MemoryLogStorage disk) {
        leadersElected++;
        Long earlier = leaderOfTerm.putIfAbsent(term, node);
        SimulationViolation.check(earlier == null || earlier == node, "election safety",
                "n%d became leader of term %d, which n%d already led", node, term, earlier);
        long compacted = disk.snapshot().index();
        // Entries below the leader's snapshot are in its state, which was checked when it was restored.
        for (long index = Math.max(2, compacted); index <= committedIndexMax; index++) {
            int at = (int) index;
            if (commitTerms[at] == 0 || commitTerms[at] >= term || committedEntryTerms[at] == 0) {
                continue;
            }
            long held = index == compacted ? disk.snapshot().term() : raft.termAt(index);
            SimulationViolation.check(held == committedEntryTerms[at], "leader completeness",
                    "n%d became leader of term %d without the entry committed at index %d in term %d (entry term %d);"
                            + " its log has term %d there",
                    node, term, index, commitTerms[at], committedEntryTerms[at], held);
        }
    }

    /**
     * A node persisted {@code entries} (now on {@code disk}). Log matching, checked by induction: an
     * (index, term) must always carry the same entry and follow the same term at index - 1, so two
     * logs that share an entry share everything before it.
     */
    void onPersisted(long node, List<Entry> entries, MemoryLogStorage disk) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.getFirst().index();
        long previousTerm = first - 1 >= disk.snapshot().index() && first - 1 <= disk.lastIndex() ? disk.term(first - 1) : -1;
        for (Entry entry : entries) {
            record(node, entry, previousTerm);
            previousTerm = entry.term();
        }
    }

    private void record(long node, Entry entry, long previousTerm) {
        int index = (int) entry.index();
        while (stored.size() <= index) {
            stored.add(null);
        }
        List<Stored> atIndex = stored.get(index);
        if (atIndex == null) {
            atIndex = new ArrayList<>(1);
            stored.set(index, atIndex);
        }
        for (int i = 0; i < atIndex.size(); i++) {
            Stored earlier = atIndex.get(i);
            if (earlier.entry().term() != entry.term()) {
                continue;
            }
            SimulationViolation.check(earlier.entry().equals(entry), "log matching",
                    "n%d and n%d hold different entries at index %d term %d: %s vs %s",
                    earlier.node(), node, entry.index(), entry.term(), earlier.entry(), entry);
            if (previousTerm >= 0 && earlier.previousTerm() >= 0) {
                SimulationViolation.check(earlier.previousTerm() == previousTerm, "log matching",
                        "n%d and n%d both hold %d/%d but differ before it: term %d vs %d at index %d",
                        earlier.node(), node, entry.term(), entry.index(), earlier.previousTerm(), previousTerm,
                        entry.index() - 1);
            } else if (earlier.previousTerm() < 0) {
                atIndex.set(i, new Stored(earlier.entry(), previousTerm, node));
            }
            return;
        }
        atIndex.add(new Stored(entry, previousTerm, node));
    }

    /** State machine safety: a node applied {@code entry} and reached {@code digest}. */
    void onApplied(long node, Entry entry, long digest) {
        int index = (int) entry.index();
        while (applied.size() <= index) {
            applied.add(null);
        }
        Entry earlier = applied.get(index);
        if (earlier == null) {
            applied.set(index, entry);
            appliedIndexMax = Math.max(appliedIndexMax, entry.index());
        } else {
            SimulationViolation.check(earlier.equals(entry), "state machine safety",
                    "n%d applied %s at index %d where another node applied %s", node, entry, index, earlier);
        }
        onState(node, entry.index(), digest, "applying");
    }

    /** A node's state machine holds the state of index {@code index} (restored from a snapshot, or applied). */
    void onState(long node, long index, long digest, String how) {
        int at = (int) index;
        if (at >= digests.length) {
            int length = Math.max(at + 1, digests.length * 2);
            digests = Arrays.copyOf(digests, length);
            digestKnown = Arrays.copyOf(digestKnown, length);
        }
        if (!digestKnown[at]) {
            digests[at] = digest;
            digestKnown[at] = true;
            return;
        }
        SimulationViolation.check(digests[at] == digest, "state machine safety",
                "n%d reached a different state at index %d by %s than another node did", node, index, how);
    }

    /**
     * A message is leaving {@code node}: an append acknowledgement promises the entries it covers
     * are on disk, a vote grant that the vote is (thesis §3.8). {@code disk} is the disk as it is
     * at that moment.
     */
    void checkPromise(long node, Message message, MemoryLogStorage disk) {
        if (!promiseChecks) {
            return;
        }
        switch (message) {
            case Message.AppendResponse response when !response.reject() -> SimulationViolation.check(
                    response.index() <= disk.lastIndex(), "durable acknowledgement",
                    "n%d acknowledged index %d to n%d but its disk ends at %d", node, response.index(), response.to(),
                    disk.lastIndex());
            case Message.VoteResponse response when !response.reject() && !response.preVote() -> SimulationViolation.check(
                    disk.hardState().term() == response.term() && disk.hardState().vote() == response.to(),
                    "durable acknowledgement", "n%d granted its vote to n%d in term %d but its disk holds term %d vote n%d",
                    node, response.to(), response.term(), disk.hardState().term(), disk.hardState().vote());
            default -> { }
        }
    }
}
