package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The values one apply batch has read or written, over the {@link RecentValues} of the batches
 * written before it: what the batch reads back comes from here first, and {@link #publish} hands
 * them to the cache once the batch is written. A rolled-back command's keys get back what was
 * staged for them before the command, exactly as the batch's writes go back to its save point, so
 * a key this batch wrote is always staged: {@link ApplyBatch} relies on that to read unstaged keys
 * from the database alone. Not thread-safe; owned by one {@link ApplyBatch}.
 */
final class StagedValues<K, V> {
    private final RecentValues<K, V> cache;
    private final Map<K, V> staged = new HashMap<>();
    /** The keys staged during the current command, in order, and what each had before (null: nothing). */
    private final List<K> commandKeys = new ArrayList<>();
    private final List<V> commandPrevious = new ArrayList<>();
    private boolean inCommand;

    StagedValues(RecentValues<K, V> cache) {
        this.cache = cache;
    }

    /** The value as this batch leaves it, or null when neither the batch nor the cache knows it. */
    V known(K key) {
        V value = staged.get(key);
        return value != null ? value : cache.get(key);
    }

    /** Whether this batch read or wrote the key (so a write of it may be in the batch). */
    boolean isStaged(K key) {
        return staged.containsKey(key);
    }

    void stage(K key, V value) {
        V previous = staged.put(key, Objects.requireNonNull(value, "a staged value"));
        if (inCommand) {
            commandKeys.add(key);
            commandPrevious.add(previous);
        }
    }

    void beginCommand() {
        Invariants.check(!inCommand, "a command began inside another");
        inCommand = true;
    }

    void rollBackCommand() {
        // Newest first, so a key staged twice in the command ends with what it had before the first.
        for (int i = commandKeys.size() - 1; i >= 0; i--) {
            V previous = commandPrevious.get(i);
            if (previous == null) {
                staged.remove(commandKeys.get(i));
            } else {
                staged.put(commandKeys.get(i), previous);
            }
        }
        endCommand();
    }

    void endCommand() {
        Invariants.check(inCommand, "a command ended without beginning");
        inCommand = false;
        commandKeys.clear();
        commandPrevious.clear();
    }

    /** Hands the batch's values to the cache; call once the batch is written. */
    void publish() {
        Invariants.check(!inCommand, "a batch published inside a command");
        cache.publish(staged);
    }
}
