package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.raft.Invariants;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@link KeyVersion} of recently used keys as the state database holds them after the last
 * written batch, so a put need not read its key's previous record back from RocksDB (etcd keeps
 * the same facts in its in-memory key index). Reading the record back was 45% of the apply
 * thread's time at 64 puts in flight, three quarters of it in SST files (BENCHMARKS.md).
 *
 * <p>Bounded: the least recently used key is dropped beyond {@code capacity}; a key not here is
 * read from the database as before. Only written batches are published ({@link ApplyBatch}), and
 * an installed snapshot clears it. Not thread-safe: the apply thread's, under the state machine's
 * writer monitor.
 */
final class KeyVersionCache {
    /** About 35 MiB of heap at 16-byte keys (key, version, map entry: ~130 bytes a key). */
    static final int DEFAULT_CAPACITY = 1 << 18;

    private final Map<ByteString, KeyVersion> entries;

    KeyVersionCache(int capacity) {
        Invariants.check(capacity >= 0, "key version cache capacity %d is negative", capacity);
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteString, KeyVersion> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The key's version, or null when it is not cached. */
    KeyVersion get(ByteString key) {
        return entries.get(key);
    }

    /** Takes a written batch's keys: a null version forgets the key (a rolled-back write). */
    void publish(Map<ByteString, KeyVersion> written) {
        written.forEach((key, version) -> {
            if (version == null) {
                entries.remove(key);
            } else {
                entries.put(key, version);
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
