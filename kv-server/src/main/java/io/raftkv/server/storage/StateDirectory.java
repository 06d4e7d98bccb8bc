package io.raftkv.server.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code state/} directory: one or more RocksDB directories {@code db-<n>} and the pointer file
 * {@code CURRENT_DB} naming the live one. Installing a snapshot builds the next {@code db-<n+1>} to
 * the side and switches by rewriting the pointer atomically, so a crash at any moment leaves the
 * pointer on either the old or the new database, whole; the other is deleted on the next open.
 * Not thread-safe; used by the state machine's writer.
 */
final class StateDirectory {
    private static final String POINTER = "CURRENT_DB";
    private static final Pattern DATABASE = Pattern.compile("db-(\\d{1,9})");

    private final Path root;

    StateDirectory(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw StorageErrors.of(e, "creating the state directory", root);
        }
    }

    Path root() {
        return root;
    }

    /** The live database directory, or null if none was ever switched to (a new state machine). */
    Path live() {
        Path pointer = root.resolve(POINTER);
        if (!Files.exists(pointer)) {
            return null;
        }
        String name;
        try {
            name = Files.readString(pointer, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw StorageErrors.of(e, "reading " + POINTER, root);
        }
        if (!DATABASE.matcher(name).matches() || !Files.isDirectory(root.resolve(name))) {
            throw new StorageFailedException("pointer file " + pointer + " is corrupt or names a missing database: '" + name + "'");
        }
        return root.resolve(name);
    }

    /** A path for a new database directory that does not exist yet. */
    Path next() {
        int highest = 0;
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                Matcher matcher = DATABASE.matcher(child.getFileName().toString());
                if (matcher.matches()) {
                    highest = Math.max(highest, Integer.parseInt(matcher.group(1)));
                }
            }
        } catch (IOException e) {
            throw StorageErrors.of(e, "listing", root);
        }
        return root.resolve("db-" + (highest + 1));
    }

    /** Makes {@code database} the live one; the commit point of an install. */
    void switchTo(Path database) {
        FileSync.writeAtomically(root.resolve(POINTER), (database.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Deletes every database directory but the live one (leftovers of crashed or finished installs). */
    void deleteAllBut(Path live) {
        try (Stream<Path> children = Files.list(root)) {
            for (Path child : children.toList()) {
                String name = child.getFileName().toString();
                boolean stale = DATABASE.matcher(name).matches() && (live == null || !child.equals(live));
                if (stale || name.equals(POINTER + ".tmp")) {
                    FileSync.deleteTree(child);
                }
            }
        } catch (IOException e) {
            throw StorageErrors.of(e, "listing", root);
        }
    }
}
