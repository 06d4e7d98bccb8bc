package io.raftkv.raft;

import io.raftkv.raft.log.MemoryLogStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A node for one-node-at-a-time paper tests: a {@link RaftNode} with its storage and a driver
 * that runs the Ready contract on demand and hands back what the node sent. Classic Raft as the
 * paper describes it: no pre-vote, no check-quorum. Test-only; not thread-safe.
 */
final class PaperPeer {
    final long id;
    final MemoryLogStorage storage;
    final RaftNode node;
    final List<Entry> applied = new ArrayList<>();
    private final Config config;

    private PaperPeer(long id, MemoryLogStorage storage, Config config) {
        this.id = id;
        this.config = config;
        this.storage = storage;
        this.node = new RaftNode(config, storage);
    }

    /**
     * A node whose storage holds a snapshot at index 1 (term 1) with these voters, then entries at
     * index 2, 3, ... of the given terms, and hard state at {@code term} (at least the last entry's).
     */
    static PaperPeer of(long id, Set<Long> voters, long term, long... entryTerms) {
        return of(id, voters, Config.defaults(id, id).withElectionSafety(false, false), term, entryTerms);
    }

    static PaperPeer of(long id, Set<Long> voters, Config config, long term, long... entryTerms) {
        MemoryLogStorage storage = MemoryLogStorage.bootstrap(
                new ConfState(new TreeSet<>(voters), Set.of(), Set.of(), Set.of(), false), new byte[0]);
        List<Entry> entries = new ArrayList<>();
        long index = 2;
        for (long entryTerm : entryTerms) {
            entries.add(Entry.normal(index++, entryTerm, ("e" + (index - 1)).getBytes()));
        }
        storage.append(entries);
        storage.setHardState(new HardState(term, 0, 1));
        return new PaperPeer(id, storage, config);
    }

    /** Runs every pending Ready; returns the messages sent, in order. */
    List<Message> ready() {
        List<Message> sent = new ArrayList<>();
        while (node.hasReady()) {
            Ready ready = node.ready();
            sent.addAll(ready.messagesNow());
            if (ready.snapshot() != null) {
                storage.applySnapshot(ready.snapshot());
            }
            storage.append(ready.entries());
            if (ready.hardState() != null) {
                storage.setHardState(ready.hardState());
            }
            sent.addAll(ready.messagesAfterPersist());
            applied.addAll(ready.committedEntries());
            node.advance(ready);
        }
        return sent;
    }

    /** Steps each message, then runs the Readies; returns what the node sent. */
    List<Message> receive(Message... messages) {
        for (Message message : messages) {
            node.step(message);
        }
        return ready();
    }

    /**
     * Campaigns and wins with grants from the given voters (no pre-vote), runs the Ready with the
     * leader's empty entry, and returns the appends it sent.
     */
    List<Message> electWithVotesFrom(long... voters) {
        node.campaign();
        ready();
        long term = status().term();
        for (long voter : voters) {
            node.step(new Message.VoteResponse(voter, id, term, false, false));
        }
        return ready();
    }

    /** Ticks until the leader's heartbeat is due, runs the Readies, and returns what it sent. */
    List<Message> heartbeat() {
        for (int i = 0; i < config.heartbeatTicks(); i++) {
            node.tick();
        }
        return ready();
    }

    RaftNode.Status status() {
        return node.status();
    }

    long lastIndex() {
        return status().lastIndex();
    }

    /** Terms of entries [firstIndex, lastIndex]. */
    List<Long> logTerms() {
        RaftNode.Status status = status();
        return node.entries(status.firstIndex(), status.lastIndex() + 1).stream().map(Entry::term).toList();
    }

    static <T extends Message> List<T> only(Class<T> type, List<Message> messages) {
        return messages.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
