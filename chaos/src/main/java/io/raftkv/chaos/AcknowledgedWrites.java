package io.raftkv.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Every acknowledged write (ok write, ok cas), with the version it created and the value it
 * replaced, both learned from the server's answer ({@code prev_kv}: the key's version before the
 * write, and its value). Keys are never deleted, so version n of a key is its n-th applied write, and
 * the applied writes of a key form a chain: final value, the value it replaced, and so on down to
 * version 1.
 *
 * <p>A write is <em>lost</em> when it is not in that chain: its version is above the key's final
 * version (rolled back), or another value sits at its version. The chain is rebuilt from the final
 * read downwards through the acknowledged writes' previous values; where an unacknowledged (info)
 * write breaks it, the acknowledged writes at one version must at least agree with each other.
 * Thread-safe.
 */
final class AcknowledgedWrites {
    /** One acknowledged write; {@code previous} is null when the key did not exist. */
    record Ack(String key, long value, long version, Long previous) {
        Ack {
            Objects.requireNonNull(key, "key");
            if (version < 1) {
                throw new IllegalArgumentException("a write creates version >= 1, got " + version);
            }
        }
    }

    /** A key's state at the end: its value (null when missing) and version (0 when missing). */
    record Final(Long value, long version) {}

    /** The lost writes, described, and how many acknowledged writes were checked. */
    record Verdict(List<String> lost, int checked) {}

    private final List<Ack> acks = new ArrayList<>();

    synchronized void add(Ack ack) {
        acks.add(ack);
    }

    synchronized int size() {
        return acks.size();
    }

    /** Checks every acknowledged write against the final state of its key. */
    synchronized Verdict check(Map<String, Final> finals) {
        Map<String, TreeMap<Long, List<Ack>>> byKey = new TreeMap<>();
        for (Ack ack : acks) {
            byKey.computeIfAbsent(ack.key(), key -> new TreeMap<>())
                    .computeIfAbsent(ack.version(), version -> new ArrayList<>()).add(ack);
        }
        List<String> lost = new ArrayList<>();
        byKey.forEach((key, byVersion) -> lost.addAll(checkKey(key, byVersion, finals.get(key))));
        return new Verdict(lost, acks.size());
    }

    private static List<String> checkKey(String key, TreeMap<Long, List<Ack>> byVersion, Final end) {
        List<String> lost = new ArrayList<>();
        long finalVersion = end == null ? 0 : end.version();
        for (List<Ack> rolledBack : byVersion.tailMap(finalVersion, false).values()) {
            for (Ack ack : rolledBack) {
                lost.add(describe(ack, "its version is above the key's final version " + finalVersion));
            }
        }
        // Walk down the chain: truth is the value known to sit at `version`, or null when unknown.
        Long truth = end == null ? null : end.value();
        boolean truthKnown = end != null;
        for (long version = finalVersion; version >= 1; version--) {
            List<Ack> here = byVersion.getOrDefault(version, List.of());
            Long previous = null;
            boolean previousKnown = false;
            if (truthKnown) {
                for (Ack ack : here) {
                    if (Objects.equals(ack.value(), truth)) {
                        previous = ack.previous();
                        previousKnown = true;
                    } else {
                        lost.add(describe(ack, "version " + version + " of the key holds " + truth));
                    }
                }
            } else {
                Map<Long, Integer> votes = new HashMap<>();
                here.forEach(ack -> votes.merge(ack.value(), 1, Integer::sum));
                long winner = votes.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(0L);
                for (Ack ack : here) {
                    if (ack.value() != winner) {
                        lost.add(describe(ack, "another acknowledged write also created version " + version));
                    } else {
                        previous = ack.previous();
                        previousKnown = true;
                    }
                }
            }
            truth = previous;
            truthKnown = previousKnown;
        }
        return lost;
    }

    private static String describe(Ack ack, String why) {
        return "key " + ack.key() + ": acknowledged write of " + ack.value() + " (version " + ack.version()
                + ", replacing " + ack.previous() + ") is lost: " + why;
    }
}
