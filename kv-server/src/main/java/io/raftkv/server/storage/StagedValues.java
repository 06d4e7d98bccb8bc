package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The values one apply batch has read or written, over the {@link RecentValues} of the batches
 * written before it: what the batch reads back comes from here first, and {@link #publish} hands
 * them to the cache once the batch is written. A rolled-back command's keys become unknown (read
 * through again), since the value staged before the command may be gone with it. Not thread-safe;
 * owned by one {@link ApplyBatch}.
 */
final class StagedValues<K, V> {
    private final RecentValues<K, V> cache;
    /** A null value: unknown, read through (a rolled-back write). */
    private final Map<K, V> staged = new HashMap<>();
    private final List<K> stagedInCommand = new ArrayList<>();
    private boolean inCommand;

    StagedValues(RecentValues<K, V> cache) {
        this.cache = cache;
    }

    /** The value as this batch leaves it, or null when neither the batch nor the cache knows it. */
    V known(K key) {
        V value = staged.get(key);
        return value != null || staged.containsKey(key) ? value : cache.get(key);
    }

    void stage(K key, V value) {
        staged.put(key, value);
        if (inCommand) {
            stagedInCommand.add(key);
        }
    }

    void beginCommand() {
        Invariants.check(!inCommand, "a command began inside another");
        inCommand = true;
    }

    void rollBackCommand() {
        for (K key : stagedInCommand) {
            staged.put(key, null);
        }
        endCommand();
    }

    void endCommand() {
        Invariants.check(inCommand, "a command ended without beginning");
        inCommand = false;
        stagedInCommand.clear();
    }

    /** Hands the batch's values to the cache; call once the batch is written. */
    void publish() {
        Invariants.check(!inCommand, "a batch published inside a command");
        cache.publish(staged);
    }
}
