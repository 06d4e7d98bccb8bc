package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values the state database holds after the last written batch, for the keys the apply thread used
 * most recently, so it need not read them back from RocksDB: each key's {@link KeyVersion} (etcd
 * keeps the same facts in its in-memory key index) and each client's session. Reading a put's
 * previous record back was 45% of the apply thread's time at 64 puts in flight, three quarters of
 * it in SST files; the session another 15% (BENCHMARKS.md).
 *
 * <p>Bounded: the least recently used key is dropped beyond {@code capacity}; a key not here is
 * read from the database as before. Only written batches are published ({@link StagedValues}), and
 * an installed snapshot clears it. Not thread-safe: the apply thread's, under the state machine's
 * writer monitor.
 */
final class RecentValues<K, V> {
    private final Map<K, V> entries;

    RecentValues(int capacity) {
        Invariants.check(capacity >= 0, "cache capacity %d is negative", capacity);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The key's value, or null when it is not cached. */
    V get(K key) {
        return entries.get(key);
    }

    /** Takes a written batch's values: a null value forgets the key (a rolled-back write). */
    void publish(Map<K, V> written) {
        written.forEach((key, value) -> {
            if (value == null) {
                entries.remove(key);
            } else {
                entries.put(key, value);
            }
        });
    }

    /** Forgets every key: the database was replaced. */
    void clear() {
        entries.clear();
    }

    int size() {
        return entries.size();
    }
}
