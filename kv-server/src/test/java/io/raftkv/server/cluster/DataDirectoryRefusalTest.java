package io.raftkv.server.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.raftkv.server.NodeConfig;
import io.raftkv.server.RaftKvNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A node refuses to start on a data directory that is not its own or whose identity is corrupt,
 * and the refusal leaves the directory as it was: the rightful node then starts on it and catches
 * up. One shared 3-node cluster; each test stops node 3, tries the bad start, and restarts node 3.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataDirectoryRefusalTest {
    private static final long VICTIM = 3;

    @TempDir
    static Path dir;

    private InProcessCluster cluster;
    private final AtomicInteger probes = new AtomicInteger();

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new InProcessCluster(dir, 3);
        cluster.leader();
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aNodeRefusesTheDataDirOfAnotherClusterNamingBothClusterIds() throws Exception {
        cluster.stop(VICTIM);
        try {
            RuntimeException refusal = refusedStart(cluster.configFor(VICTIM, false, Map.of("--cluster-id", "9")));
            assertTrue(mentions(refusal.getMessage(), "7") && mentions(refusal.getMessage(), "9"),
                    "the refusal names the data's cluster 7 and the configured cluster 9: " + refusal.getMessage());
            assertTrue(refusal.getMessage().contains(cluster.dataDir(VICTIM).toString()),
                    "the refusal names the data dir: " + refusal.getMessage());
        } finally {
            restartAndAwaitCaughtUp();
        }
    }

    @Test
    void aNodeRefusesTheDataDirOfAnotherNodeNamingBothNodeIds() throws Exception {
        cluster.stop(VICTIM);
        try {
            // Node 2's configuration pointed at node 3's directory.
            NodeConfig wrongNode = cluster.configFor(2, false, Map.of("--data-dir", cluster.dataDir(VICTIM).toString()));
            RuntimeException refusal = refusedStart(wrongNode);
            assertTrue(mentions(refusal.getMessage(), "node 3") && mentions(refusal.getMessage(), "2"),
                    "the refusal names the data's node 3 and the configured node 2: " + refusal.getMessage());
        } finally {
            restartAndAwaitCaughtUp();
        }
    }

    static Stream<Arguments> corruptions() {
        return Stream.of(
                argumentSet("a flipped bit in the identity", (UnaryOperator<byte[]>) bytes -> {
                    byte[] copy = bytes.clone();
                    copy[copy.length - 6] ^= 0x10;
                    return copy;
                }),
                argumentSet("a truncated identity file", (UnaryOperator<byte[]>) bytes -> Arrays.copyOf(bytes, bytes.length - 3)),
                argumentSet("an empty identity file", (UnaryOperator<byte[]>) bytes -> new byte[0]),
                argumentSet("another file's bytes", (UnaryOperator<byte[]>) bytes -> "cluster=7 node=3\n".getBytes()));
    }

    @ParameterizedTest
    @MethodSource("corruptions")
    void aNodeRefusesACorruptIdentityFileNamingTheFile(UnaryOperator<byte[]> corrupt) throws Exception {
        cluster.stop(VICTIM);
        Path identity = cluster.dataDir(VICTIM).resolve("identity");
        byte[] original = Files.readAllBytes(identity);
        try {
            Files.write(identity, corrupt.apply(original));
            RuntimeException refusal = refusedStart(cluster.configFor(VICTIM, false));
            assertTrue(refusal.getMessage().contains(identity.toString()),
                    "the refusal names the identity file " + identity + ": " + refusal.getMessage());
            assertTrue(refusal.getMessage().contains("corrupt"), "the refusal says the file is corrupt: " + refusal.getMessage());
        } finally {
            Files.write(identity, original);
            restartAndAwaitCaughtUp();
        }
    }

    @Test
    void aNodeRefusesADataDirThatHoldsDataButNoIdentityFile() throws Exception {
        cluster.stop(VICTIM);
        Path identity = cluster.dataDir(VICTIM).resolve("identity");
        Path aside = cluster.dataDir(VICTIM).resolve("identity.aside");
        Files.move(identity, aside);
        try {
            RuntimeException refusal = refusedStart(cluster.configFor(VICTIM, false));
            assertTrue(refusal.getMessage().contains(identity.toString()) && refusal.getMessage().contains("no identity"),
                    "the refusal names the missing identity file " + identity + ": " + refusal.getMessage());
            assertTrue(Files.notExists(identity), "the refused start wrote an identity for data it cannot vouch for");
        } finally {
            Files.move(aside, identity);
            restartAndAwaitCaughtUp();
        }
    }

    private static RuntimeException refusedStart(NodeConfig config) {
        List<Throwable> fatal = new CopyOnWriteArrayList<>();
        RuntimeException refusal = assertThrows(RuntimeException.class, () -> {
            RaftKvNode node = RaftKvNode.start(config, fatal::add);
            node.close();
        }, "the node started");
        assertEquals(List.of(), fatal, "a refused start is not a fatal error of a running node");
        return refusal;
    }

    /** The node starts on its untouched directory and serves a write made after it restarted. */
    private void restartAndAwaitCaughtUp() throws Exception {
        cluster.start(VICTIM);
        String key = "refusal/probe-" + probes.incrementAndGet();
        cluster.onLeader(leader -> Rpcs.write(cluster.kv(leader), key, "v"));
        InProcessCluster.await(Duration.ofSeconds(20), "node " + VICTIM + " to catch up after its restart",
                () -> cluster.kv(VICTIM).range(Rpcs.getSerializable(key)).getKvsCount() == 1);
    }

    /** Whether {@code text} holds {@code word} as a whole word, so "7" does not match inside "17". */
    private static boolean mentions(String text, String word) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(word) + "(?![\\w-])").matcher(text).find();
    }
}
