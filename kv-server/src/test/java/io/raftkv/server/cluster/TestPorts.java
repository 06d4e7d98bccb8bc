package io.raftkv.server.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for test nodes, handed out below the kernel's ephemeral range (32768-60999 here). A port
 * found free with {@code new ServerSocket(0)} lies inside that range, so between the check and the
 * node's bind an outgoing connection (a client, a peer stream) may take it: that made cluster tests
 * fail with "Failed to bind". Here each JVM walks its own randomly placed stretch of 10000-20000,
 * never hands a port out twice, and skips ports something else holds.
 */
final class TestPorts {
    private static final int FIRST = 10_000;
    private static final int SPAN = 10_000;
    private static final AtomicInteger next = new AtomicInteger(ThreadLocalRandom.current().nextInt(SPAN));

    private TestPorts() {}

    static int next() throws IOException {
        for (int attempt = 0; attempt < SPAN; attempt++) {
            int port = FIRST + Math.floorMod(next.getAndIncrement(), SPAN);
            if (bindable(port)) {
                return port;
            }
        }
        throw new IOException("no free port in " + FIRST + ".." + (FIRST + SPAN - 1));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
