package io.raftkv.server.peer;

import io.raftkv.raft.SnapshotMetadata;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The on-disk convention shared with the storage engine: a snapshot's descriptor
 * ({@code Snapshot.data()}) is the UTF-8 name of a directory directly under the node's
 * snapshotsRoot, holding regular files only (a RocksDB checkpoint). The transport reserves the
 * prefixes {@code incoming-} and {@code replaced-} with suffix {@code .tmp} in that root for its
 * work directories and deletes leftovers of them at start. Stateless.
 */
final class SnapshotFiles {
    static final String INCOMING_PREFIX = "incoming-";
    static final String REPLACED_PREFIX = "replaced-";
    static final String TEMP_SUFFIX = ".tmp";
    private static final int NAME_LENGTH_MAX = 255;

    private SnapshotFiles() {}

    /** A regular file of a snapshot directory and its size when listed. */
    record SnapshotFile(String name, Path path, long size) {}

    /**
     * The directory a received snapshot is installed under. The wire does not carry the
     * sender's descriptor (SnapshotChunk has no field for it), so the receiver names the directory
     * from the metadata, in the storage engine's own format.
     */
    static String directoryName(SnapshotMetadata metadata) {
        return "snap-" + metadata.term() + "-" + metadata.index();
    }

    /**
     * Why {@code name} is not a safe single path component, or empty if it is. Used for file
     * names from the wire and for descriptors: no separators, no "..", no NUL, not empty, at most
     * 255 characters, so that resolving it can only ever name an entry directly inside the parent.
     */
    static Optional<String> nameProblem(String name) {
        if (name.isEmpty()) {
            return Optional.of("empty name");
        }
        if (name.length() > NAME_LENGTH_MAX) {
            return Optional.of("name longer than " + NAME_LENGTH_MAX + " characters");
        }
        if (name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
            return Optional.of("path separator in name '" + name + "'");
        }
        if (name.contains("..") || name.equals(".")) {
            return Optional.of("'.' or '..' in name '" + name + "'");
        }
        if (name.indexOf('\0') >= 0) {
            return Optional.of("NUL in name");
        }
        return Optional.empty();
    }

    /** Resolves a checked name, and checks the result really is a direct child (the pair of nameProblem). */
    static Path child(Path parent, String name) {
        io.raftkv.raft.Invariants.check(nameProblem(name).isEmpty(), "unchecked snapshot name '%s'", name);
        Path child = parent.resolve(name).normalize();
        io.raftkv.raft.Invariants.check(parent.normalize().equals(child.getParent()),
                "snapshot name '%s' escapes %s", name, parent);
        return child;
    }

    /**
     * The regular files of a snapshot directory, sorted by name. Anything else (a subdirectory, a
     * symlink) means the directory is not a snapshot we know how to send.
     */
    static List<SnapshotFile> list(Path directory, int filesMax, long bytesMax) throws IOException {
        List<SnapshotFile> files = new ArrayList<>();
        long bytes = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("snapshot " + directory + " holds " + name + ", which is not a regular file");
                }
                Optional<String> problem = nameProblem(name);
                if (problem.isPresent()) {
                    throw new IOException("snapshot " + directory + " file: " + problem.get());
                }
                if (files.size() == filesMax) {
                    throw new IOException("snapshot " + directory + " has more than " + filesMax + " files");
                }
                long size = Files.size(entry);
                bytes += size;
                if (bytes > bytesMax) {
                    throw new IOException("snapshot " + directory + " is larger than " + bytesMax + " bytes");
                }
                files.add(new SnapshotFile(name, entry, size));
            }
        }
        if (files.isEmpty()) {
            throw new IOException("snapshot " + directory + " has no files");
        }
        files.sort(Comparator.comparing(SnapshotFile::name));
        return files;
    }

    /** Makes a directory's entries (created, renamed) durable: Linux needs an fsync of the directory itself. */
    static void fsyncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Deletes a directory tree without following symlinks; a missing directory is fine. */
    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(directory)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path path : paths) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Work directories left by a crash: ours by prefix and suffix, never anything the storage engine owns. */
    static boolean isLeftover(Path entry) {
        String name = entry.getFileName().toString();
        return name.endsWith(TEMP_SUFFIX) && (name.startsWith(INCOMING_PREFIX) || name.startsWith(REPLACED_PREFIX));
    }
}
