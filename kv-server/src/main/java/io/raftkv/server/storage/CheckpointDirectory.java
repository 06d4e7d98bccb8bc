package io.raftkv.server.storage;

import io.raftkv.raft.Invariants;
import io.raftkv.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code snapshots/} directory: complete checkpoints named {@code snap-<term>-<index>}, plus
 * work in progress that is never mistaken for one: {@code .tmp} (a local checkpoint being written)
 * and {@code .partial} (a snapshot being received). A name appears only once its files are synced,
 * by an atomic rename. The snapshot descriptor is the name, so a checkpoint received from the
 * leader keeps the leader's name and this node can later send it on. Thread-safe: methods touch
 * disjoint names, and only {@link #prune} deletes complete checkpoints.
 */
public final class CheckpointDirectory {
    private static final Pattern NAME = Pattern.compile("snap-(\\d{1,19})-(\\d{1,19})");
    private static final String PARTIAL = ".partial";
    private static final String TEMPORARY = ".tmp";

    private final Path root;

    public CheckpointDirectory(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw StorageErrors.of(e, "creating the snapshots directory", root);
        }
    }

    public static String nameOf(long term, long index) {
        Invariants.check(term > 0 && index > 0, "checkpoint needs term and index > 0: %d/%d", term, index);
        return "snap-" + term + "-" + index;
    }

    public Path root() {
        return root;
    }

    public Path pathOf(SnapshotMetadata metadata) {
        return root.resolve(nameOf(metadata.term(), metadata.index()));
    }

    /**
     * The checkpoint a snapshot descriptor names.
     *
     * @throws InvalidCheckpointException if the descriptor is not a checkpoint name or names none here
     */
    public Path resolve(byte[] descriptor) {
        String name = new String(descriptor, StandardCharsets.UTF_8);
        if (!NAME.matcher(name).matches()) {
            throw new InvalidCheckpointException("snapshot descriptor '" + name + "' is not a checkpoint name");
        }
        Path path = root.resolve(name);
        if (!Files.isDirectory(path)) {
            throw new InvalidCheckpointException("checkpoint " + path + " does not exist (pruned, or never received)");
        }
        return path;
    }

    /** An empty directory to receive the files of a snapshot into; publish it when complete. */
    public Path staging(SnapshotMetadata metadata) {
        Path staging = root.resolve(nameOf(metadata.term(), metadata.index()) + PARTIAL);
        FileSync.deleteTree(staging);
        try {
            Files.createDirectory(staging);
        } catch (IOException e) {
            throw StorageErrors.of(e, "creating " + staging.getFileName(), root);
        }
        return staging;
    }

    /**
     * Syncs a complete staged (or temporary) checkpoint and renames it to its final name. If the
     * final name exists already, the staged copy is dropped: a checkpoint at one (term, index) of a
     * cluster is the same state whoever made it.
     */
    public Path publish(Path staged, SnapshotMetadata metadata) {
        Path target = pathOf(metadata);
        if (Files.isDirectory(target)) {
            FileSync.deleteTree(staged);
            return target;
        }
        FileSync.syncTree(staged);
        FileSync.moveAtomically(staged, target);
        return target;
    }

    /** A fresh temporary path (not created) for a local checkpoint; RocksDB creates it. */
    Path temporary(SnapshotMetadata metadata) {
        Path temporary = root.resolve(nameOf(metadata.term(), metadata.index()) + TEMPORARY);
        FileSync.deleteTree(temporary);
        return temporary;
    }

    /** Complete checkpoint names, newest (highest index, then term) first. */
    public List<String> list() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (NAME.matcher(name).matches() && Files.isDirectory(child)) {
                    names.add(name);
                }
            }
        } catch (IOException e) {
            throw StorageErrors.of(e, "listing checkpoints", root);
        }
        names.sort(Comparator.comparingLong((String name) -> part(name, 2)).thenComparingLong(name -> part(name, 1))
                .reversed());
        return names;
    }

    /**
     * Deletes all but the newest {@code keep} checkpoints, never one in {@code protectedNames} (the
     * one the log's snapshot record names, which a restart or a lagging follower may need), and
     * leftover {@code .tmp} directories. A leader streaming a pruned checkpoint fails the stream and
     * raft-core retries with the newest snapshot.
     */
    public void prune(int keep, Set<String> protectedNames) {
        Invariants.check(keep >= 1, "must keep at least one checkpoint, got %d", keep);
        List<String> names = list();
        for (int i = keep; i < names.size(); i++) {
            if (!protectedNames.contains(names.get(i))) {
                FileSync.deleteTree(root.resolve(names.get(i)));
            }
        }
        deleteSuffixed(TEMPORARY);
    }

    /** Deletes half-received snapshots; call at start, before any snapshot can be arriving. */
    public void deleteStaging() {
        deleteSuffixed(PARTIAL);
    }

    /**
     * Deletes this class's own work directories, {@code snap-<term>-<index><suffix>}, and nothing
     * else: the peer transport keeps its work directories in the same root ({@code incoming-*.tmp}
     * while a snapshot arrives), and deleting those mid-transfer failed the transfer.
     */
    private void deleteSuffixed(String suffix) {
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                if (name.endsWith(suffix) && NAME.matcher(name.substring(0, name.length() - suffix.length())).matches()) {
                    FileSync.deleteTree(child);
                }
            }
        } catch (IOException e) {
            throw StorageErrors.of(e, "listing checkpoints", root);
        }
    }

    private static long part(String name, int group) {
        Matcher matcher = NAME.matcher(name);
        Invariants.check(matcher.matches(), "not a checkpoint name: %s", name);
        return Long.parseLong(matcher.group(group));
    }
}
