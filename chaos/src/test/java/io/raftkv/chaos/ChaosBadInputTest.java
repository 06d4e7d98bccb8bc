package io.raftkv.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bad input gets a clear message, exit status 2, and changes nothing: no namespace, no bridge, no
 * output directory. The checks of names, addresses and ports already in use need root (they create
 * the conflict first); the others run anywhere.
 */
class ChaosBadInputTest {
    private final Shell shell = new Shell(null);

    @Test
    void anUnknownFaultKindIsNamedWithTheKnownOnes() {
        Path out = ChaosTestSupport.newRunDirectory("bad-fault");
        ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--faults", "kill,meteor", "--out", out.toString()));
        assertEquals(ChaosMain.EXIT_USAGE, run.status());
        assertTrue(run.err().contains("unknown fault kind 'meteor' in --faults; known: kill,pause,pause-leader,"
                + "partition,bridge,oneway,loss,slow,membership,transfer,failpoint (or all)"), run.err());
        assertNothingCreated(out);
    }

    @Test
    void theNodeCountMustBeThreeOrFive() {
        Path out = ChaosTestSupport.newRunDirectory("bad-nodes");
        ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--nodes", "4", "--out", out.toString()));
        assertEquals(ChaosMain.EXIT_USAGE, run.status());
        assertTrue(run.err().contains("--nodes must be 3 or 5"), run.err());
        assertNothingCreated(out);
    }

    @Test
    void aBadDurationOrRateIsRefused() {
        assertTrue(ChaosTestSupport.invoke(List.of("--duration", "soon")).err()
                .contains("--duration 'soon' is not a duration (try 60s, 90s, 2m)"));
        assertTrue(ChaosTestSupport.invoke(List.of("--ops-rate", "0")).err().contains("--ops-rate must be in 1..100000"));
        assertTrue(ChaosTestSupport.invoke(List.of("--frobnicate")).err().contains("unknown flag --frobnicate"));
    }

    @Test
    void aUserWhoIsNotRootIsToldSoBeforeAnythingIsCreated() {
        Path out = ChaosTestSupport.newRunDirectory("not-root");
        ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--out", out.toString()), () -> "1000");
        assertEquals(ChaosMain.EXIT_USAGE, run.status());
        assertTrue(run.err().contains("must run as root: it creates network namespaces, a bridge and iptables rules "
                + "(id -u says 1000)"), run.err());
        assertTrue(run.err().contains("nothing was created or changed"), run.err());
        assertEquals(ChaosMain.EXIT_USAGE, ChaosTestSupport.invoke(List.of("--cleanup"), () -> "1000").status());
        assertNothingCreated(out);
    }

    @Test
    void aNamespaceInUseIsReportedAndLeftAlone() {
        needsRoot();
        String namespace = Topology.namespace(2);
        shell.check("ip", "netns", "add", namespace);
        try {
            Path out = ChaosTestSupport.newRunDirectory("namespace-in-use");
            ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--out", out.toString()));
            assertEquals(ChaosMain.EXIT_USAGE, run.status());
            assertTrue(run.err().contains("network namespace raftkv77-n2 already exists (left by another run?); "
                    + "remove leftovers with bin/raftkv-chaos --cleanup"), run.err());
            assertFalse(shell.run("ip", "link", "show", Topology.BRIDGE).ok(), "no bridge was created");
            assertFalse(Files.exists(out));
            assertTrue(shell.run("ip", "netns", "list").out().contains(namespace), "the existing namespace is untouched");
        } finally {
            shell.run("ip", "netns", "del", namespace);
        }
    }

    @Test
    void aBridgeInUseIsReported() {
        needsRoot();
        shell.check("ip", "link", "add", Topology.BRIDGE, "type", "bridge");
        try {
            Path out = ChaosTestSupport.newRunDirectory("bridge-in-use");
            ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--out", out.toString()));
            assertEquals(ChaosMain.EXIT_USAGE, run.status());
            assertTrue(run.err().contains("network device br-raftkv77 already exists"), run.err());
            assertFalse(Files.exists(out));
            assertFalse(shell.run("ip", "netns", "list").out().contains(Topology.NAMESPACE_PREFIX), "no namespace");
        } finally {
            shell.run("ip", "link", "del", Topology.BRIDGE);
        }
    }

    @Test
    void anAddressInTheChaosSubnetIsReported() {
        needsRoot();
        String device = "rkv77-probe";
        // A bridge stands in for any device (this kernel has no dummy driver); it stays down.
        shell.check("ip", "link", "add", device, "type", "bridge");
        try {
            shell.check("ip", "addr", "add", "10.77.0.200/32", "dev", device);
            Path out = ChaosTestSupport.newRunDirectory("address-in-use");
            ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--out", out.toString()));
            assertEquals(ChaosMain.EXIT_USAGE, run.status());
            assertTrue(run.err().contains("address 10.77.0.200/32 on " + device + " overlaps the chaos subnet 10.77.0.0/24"),
                    run.err());
            assertNothingCreated(out);
        } finally {
            shell.run("ip", "link", "del", device);
        }
    }

    @Test
    void aPortInUseIsReported() throws IOException {
        needsRoot();
        int port = Topology.proxyPort(1, 2);
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", port));
            Path out = ChaosTestSupport.newRunDirectory("port-in-use");
            ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--out", out.toString()));
            assertEquals(ChaosMain.EXIT_USAGE, run.status());
            assertTrue(run.err().contains("port " + port + " is already in use on this host"), run.err());
            assertNothingCreated(out);
        }
    }

    @Test
    void aNonEmptyOutputDirectoryIsRefused() throws IOException {
        needsRoot();
        Path out = Files.createDirectories(ChaosTestSupport.newRunDirectory("out-not-empty"));
        Files.writeString(out.resolve("history.jsonl"), "{}\n");
        ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--out", out.toString()));
        assertEquals(ChaosMain.EXIT_USAGE, run.status());
        assertTrue(run.err().contains("is not empty; give a new or empty directory"), run.err());
        assertEquals("{}\n", Files.readString(out.resolve("history.jsonl")));
    }

    @Test
    void cleanupRemovesWhatAKilledRunLeftBehind() {
        needsRoot();
        shell.check("ip", "link", "add", Topology.BRIDGE, "type", "bridge");
        shell.check("ip", "netns", "add", Topology.namespace(1));
        shell.check("iptables", "-I", "FORWARD", "1", "-i", Topology.BRIDGE, "-o", Topology.BRIDGE,
                "-m", "comment", "--comment", Topology.RULE_COMMENT, "-j", "ACCEPT");
        ChaosTestSupport.Invocation run = ChaosTestSupport.invoke(List.of("--cleanup"));
        assertEquals(ChaosMain.EXIT_PASSED, run.status());
        assertTrue(run.out().contains("deleted network namespace raftkv77-n1"), run.out());
        assertTrue(run.out().contains("deleted bridge br-raftkv77"), run.out());
        assertTrue(run.out().contains("deleted iptables rule"), run.out());
        assertFalse(shell.run("ip", "netns", "list").out().contains(Topology.NAMESPACE_PREFIX));
        assertFalse(shell.run("iptables", "-S", "FORWARD").out().contains(Topology.RULE_COMMENT));
        assertTrue(ChaosTestSupport.invoke(List.of("--cleanup")).out().contains("cleanup: nothing to remove"));
    }

    private void needsRoot() {
        String reason = Preflight.unavailableReason(shell);
        assumeTrue(reason == null, () -> "skipped: " + reason);
    }

    private void assertNothingCreated(Path out) {
        assertFalse(Files.exists(out), "the output directory was not created");
        if (Preflight.unavailableReason(shell) == null) {
            assertFalse(shell.run("ip", "netns", "list").out().contains(Topology.NAMESPACE_PREFIX), "no namespace");
            assertFalse(shell.run("ip", "link", "show", Topology.BRIDGE).ok(), "no bridge");
        }
    }
}
