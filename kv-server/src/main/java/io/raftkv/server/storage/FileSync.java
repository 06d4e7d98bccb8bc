package io.raftkv.server.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * File operations that survive a crash: a file or directory appears whole under its final name or
 * not at all. The recipe is write under a temporary name, fsync the data, rename atomically, fsync
 * the parent directory (the rename lives in the directory's metadata; without that fsync a power
 * cut may forget it). Every method throws {@link StorageFailedException} (or
 * {@link StorageFullException}) on failure.
 */
final class FileSync {
    /** Checkpoint directories are flat; anything deeper is not ours and is refused. */
    private static final int TREE_DEPTH_MAX = 1;

    private FileSync() {}

    /** Replaces {@code target} with {@code content} atomically and durably. */
    static void writeAtomically(Path target, byte[] content) {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        } catch (IOException e) {
            throw StorageErrors.of(e, "writing " + temporary.getFileName(), target.getParent());
        }
        moveAtomically(temporary, target);
    }

    /** Renames {@code source} to {@code target} (replacing it) atomically, then fsyncs the parent. */
    static void moveAtomically(Path source, Path target) {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new StorageFailedException("the file system of " + target.getParent()
                    + " cannot rename atomically; raftkv needs it for crash safety", e);
        } catch (IOException e) {
            throw StorageErrors.of(e, "renaming " + source.getFileName() + " to " + target.getFileName(), target.getParent());
        }
        syncDirectory(target.getParent());
    }

    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            throw StorageErrors.of(e, "fsync of the directory", directory);
        }
    }

    /** fsyncs every file of a flat directory, then the directory itself. */
    static void syncTree(Path directory) {
        for (Path file : listFiles(directory)) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                throw StorageErrors.of(e, "fsync of " + file.getFileName(), directory);
            }
        }
        syncDirectory(directory);
    }

    /**
     * Fills the new directory {@code target} with the files of the flat directory {@code source}:
     * SST and blob files are hard-linked (RocksDB never rewrites them in place, so two databases may
     * share them, which is how RocksDB's own checkpoints work), everything else (MANIFEST, CURRENT,
     * OPTIONS, WAL), which RocksDB appends to or replaces, is copied. Falls back to copying when the
     * two directories are on different file systems. Synced before returning.
     */
    static void linkOrCopyTree(Path source, Path target) {
        try {
            Files.createDirectory(target);
            for (Path file : listFiles(source)) {
                Path destination = target.resolve(file.getFileName());
                String name = file.getFileName().toString();
                if (name.endsWith(".sst") || name.endsWith(".blob")) {
                    try {
                        Files.createLink(destination, file);
                        continue;
                    } catch (UnsupportedOperationException | FileSystemException e) {
                        // Different file systems, or no hard links: copy below.
                    }
                }
                Files.copy(file, destination, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw StorageErrors.of(e, "linking " + source + " into " + target.getFileName(), target.getParent());
        }
        syncTree(target);
    }

    /** Deletes a directory tree (or file) if present. */
    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw StorageErrors.of(e, "deleting " + root.getFileName(), root.getParent());
        }
    }

    /** Total bytes of the files of a flat directory (hard links counted in full). */
    static long sizeOf(Path directory) {
        long total = 0;
        for (Path file : listFiles(directory)) {
            try {
                total += Files.size(file);
            } catch (IOException e) {
                throw StorageErrors.of(e, "measuring " + file.getFileName(), directory);
            }
        }
        return total;
    }

    /** The regular files of a flat directory, sorted by name. */
    static List<Path> listFiles(Path directory) {
        try (Stream<Path> walk = Files.walk(directory, TREE_DEPTH_MAX)) {
            List<Path> all = walk.filter(path -> !path.equals(directory)).sorted().toList();
            for (Path path : all) {
                if (!Files.isRegularFile(path)) {
                    throw new StorageFailedException(directory + " should hold only files but holds " + path.getFileName());
                }
            }
            return all;
        } catch (IOException e) {
            throw StorageErrors.of(e, "listing", directory);
        }
    }
}
