package io.raftkv.raft;

import io.raftkv.raft.confchange.Changer;
import io.raftkv.raft.confchange.ConfChangeCodec;
import io.raftkv.raft.log.MemoryLogStorage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node of an interaction script with what its driver owns: the durable storage, and a toy
 * state machine that records the data of applied entries and the membership after each applied
 * conf change, so that {@code compact} can snapshot the state at any applied index. Test-only;
 * not thread-safe.
 */
final class InteractionPeer {
    /** An applied state-machine command: its log index and data. */
    record Applied(long index, String data) {}

    final long id;
    final Config config;
    final MemoryLogStorage storage;
    RaftNode node;
    /** The soft state printed last, so a Ready prints it only when it changed. */
    SoftState printedSoftState;
    private final List<Applied> applied = new ArrayList<>();
    /** Membership after each applied conf change (and at the snapshot), by log index. */
    private final TreeMap<Long, ConfState> confStates = new TreeMap<>();
    private long appliedIndex;

    InteractionPeer(long id, Config config, MemoryLogStorage storage) {
        this.id = id;
        this.config = config;
        this.storage = storage;
        restart();
    }

    /** A crash and restart: everything not in storage is lost, the state machine reloads the snapshot. */
    void restart() {
        node = new RaftNode(config, storage);
        printedSoftState = new SoftState(node.status().leader(), node.status().role());
        loadSnapshot(storage.snapshot());
    }

    private void loadSnapshot(Snapshot snapshot) {
        applied.clear();
        confStates.clear();
        String data = new String(snapshot.data(), StandardCharsets.UTF_8);
        if (!data.isEmpty()) {
            Arrays.stream(data.split(",")).forEach(item -> applied.add(new Applied(snapshot.index(), item)));
        }
        confStates.put(snapshot.index(), snapshot.metadata().confState());
        appliedIndex = snapshot.index();
    }

    /** Carries out the persistence and apply steps of the Ready contract. */
    void persistAndApply(Ready ready) {
        if (ready.snapshot() != null) {
            storage.applySnapshot(ready.snapshot());
        }
        storage.append(ready.entries());
        if (ready.hardState() != null) {
            storage.setHardState(ready.hardState());
        }
        if (ready.snapshot() != null) {
            loadSnapshot(ready.snapshot());
        }
        for (Entry entry : ready.committedEntries()) {
            switch (entry.type()) {
                case NORMAL -> {
                    if (entry.data().length > 0) {
                        applied.add(new Applied(entry.index(), new String(entry.data(), StandardCharsets.UTF_8)));
                    }
                }
                case CONF_CHANGE -> confStates.put(entry.index(),
                        Changer.apply(confStates.lastEntry().getValue(), ConfChangeCodec.decode(entry.data())));
            }
            appliedIndex = entry.index();
        }
    }

    long appliedIndex() {
        return appliedIndex;
    }

    /** The state machine's data, oldest first. */
    List<String> appliedData() {
        return applied.stream().map(Applied::data).toList();
    }

    /** Snapshots the state machine as of {@code index} (applied) and drops the log up to it. */
    void compact(long index) {
        if (index > appliedIndex) {
            throw new IllegalArgumentException("node " + id + " cannot compact to " + index + ": applied only " + appliedIndex);
        }
        String data = String.join(",", applied.stream().filter(a -> a.index() <= index).map(Applied::data).toList());
        Map.Entry<Long, ConfState> confState = confStates.floorEntry(index);
        storage.createSnapshot(index, confState.getValue(), data.getBytes(StandardCharsets.UTF_8));
    }
}
