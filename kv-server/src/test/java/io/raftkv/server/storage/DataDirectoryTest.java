package io.raftkv.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryTest {
    @TempDir
    Path root;

    @Test
    void theFirstStartWritesTheIdentityAndLaterStartsWithTheSameIdsAreAccepted() {
        try (DataDirectory directory = DataDirectory.open(root, 7, 2)) {
            assertTrue(Files.isRegularFile(directory.identityFile()));
            assertTrue(Files.isDirectory(directory.log()));
            assertTrue(Files.isDirectory(directory.state()));
            assertTrue(Files.isDirectory(directory.snapshots()));
        }
        try (DataDirectory directory = DataDirectory.open(root, 7, 2)) {
            assertEquals(root.toAbsolutePath(), directory.root());
        }
    }

    @Test
    void anotherClusterIdIsRefusedWithAMessageThatSaysWhich() {
        DataDirectory.open(root, 7, 2).close();
        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> DataDirectory.open(root, 9, 2));
        assertTrue(e.getMessage().startsWith("data dir " + root.toAbsolutePath() + " belongs to cluster 7, not 9"), e.getMessage());
    }

    @Test
    void anotherNodeIdIsRefusedWithAMessageThatSaysWhich() {
        DataDirectory.open(root, 7, 2).close();
        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> DataDirectory.open(root, 7, 3));
        assertTrue(e.getMessage().startsWith("data dir " + root.toAbsolutePath() + " belongs to node 2, not 3"), e.getMessage());
    }

    @Test
    void aCorruptIdentityFileIsRefusedNamingTheFile() throws Exception {
        DataDirectory.open(root, 7, 2).close();
        Path identity = root.resolve("identity");
        byte[] bytes = Files.readAllBytes(identity);
        bytes[9] ^= 0x01;
        Files.write(identity, bytes);
        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> DataDirectory.open(root, 7, 2));
        assertTrue(e.getMessage().startsWith("identity file " + identity.toAbsolutePath() + " is corrupt (CRC32C mismatch"),
                e.getMessage());
    }

    @Test
    void aTruncatedIdentityFileIsRefusedNamingTheFile() throws Exception {
        DataDirectory.open(root, 7, 2).close();
        Path identity = root.resolve("identity");
        Files.write(identity, new byte[] {1, 2, 3});
        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> DataDirectory.open(root, 7, 2));
        assertTrue(e.getMessage().contains(identity.toAbsolutePath() + " is corrupt"), e.getMessage());
    }

    @Test
    void theLockPreventsASecondOpenUntilTheFirstIsClosed() {
        try (DataDirectory first = DataDirectory.open(root, 7, 2)) {
            DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> DataDirectory.open(root, 7, 2));
            assertTrue(e.getMessage().contains("is in use by another process"), e.getMessage());
        }
        DataDirectory.open(root, 7, 2).close();
    }

    @Test
    void dataWithoutAnIdentityIsRefused() throws Exception {
        Files.createDirectories(root.resolve("log"));
        Files.writeString(root.resolve("log").resolve("CURRENT"), "MANIFEST-000001\n");
        DataDirectoryException e = assertThrows(DataDirectoryException.class, () -> DataDirectory.open(root, 7, 2));
        assertTrue(e.getMessage().contains("holds data but no identity file"), e.getMessage());
    }
}
