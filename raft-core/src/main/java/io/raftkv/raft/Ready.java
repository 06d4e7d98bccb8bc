package io.raftkv.raft;

import java.util.List;

/**
 * One batch of work for the driver, handed out by {@link RaftNode#ready()} and confirmed with
 * {@link RaftNode#advance(Ready)}. The driver must, in this order:
 * <ol>
 *   <li>send {@code messagesNow} (it may do so while it persists: they promise nothing durable);</li>
 *   <li>persist {@code snapshot} (if any), {@code entries} and {@code hardState} (if any) in one
 *       write, synced when {@code mustSync};</li>
 *   <li>send {@code messagesAfterPersist} (vote and append answers, which promise durability);</li>
 *   <li>apply {@code snapshot} then {@code committedEntries} to the state machine (they may include
 *       entries of this very Ready, which step 2 made durable);</li>
 *   <li>serve each of {@code readStates} once the state machine has applied its index;</li>
 *   <li>call {@code advance(this)}.</li>
 * </ol>
 *
 * @param number      sequence number; advance must be called with Readies in order, none skipped
 * @param softState   leader and role now
 * @param hardState   term, vote and commit to persist, or null when unchanged
 */
public record Ready(long number, SoftState softState, HardState hardState, List<Entry> entries, Snapshot snapshot,
                    List<Entry> committedEntries, List<Message> messagesNow, List<Message> messagesAfterPersist,
                    List<ReadState> readStates, boolean mustSync) {
    public Ready {
        entries = List.copyOf(entries);
        committedEntries = List.copyOf(committedEntries);
        messagesNow = List.copyOf(messagesNow);
        messagesAfterPersist = List.copyOf(messagesAfterPersist);
        readStates = List.copyOf(readStates);
        for (int i = 1; i < entries.size(); i++) {
            Invariants.check(entries.get(i).index() == entries.get(i - 1).index() + 1, "ready entries not contiguous");
        }
        for (int i = 1; i < committedEntries.size(); i++) {
            Invariants.check(committedEntries.get(i).index() == committedEntries.get(i - 1).index() + 1,
                    "ready committed entries not contiguous");
        }
    }
}
