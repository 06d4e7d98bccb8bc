package io.raftkv.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A TCP proxy that delays every chunk of bytes by a fixed time in each direction, preserving order:
 * the slow link the kernel cannot give us without netem. Listens on the bridge address and forwards
 * to one node's peer port. Each direction is a reader, which stamps chunks with their due time into
 * a bounded queue (a full queue blocks the reader: backpressure, not unbounded memory), and a
 * writer, which sleeps until each chunk is due. Virtual threads; thread-safe.
 */
final class DelayProxy implements AutoCloseable {
    private static final int CHUNK_BYTES_MAX = 16 * 1024;
    private static final int CHUNKS_QUEUED_MAX = 256;
    private static final byte[] END = new byte[0];

    private record Chunk(long dueNanos, byte[] bytes) {}

    private final InetSocketAddress target;
    private final long delayNanos;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();

    /** Binds {@code listen} at once (throws if it cannot) and starts accepting. */
    DelayProxy(InetSocketAddress listen, InetSocketAddress target, Duration delay) throws IOException {
        this.target = target;
        this.delayNanos = delay.toNanos();
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen);
        Thread.ofVirtual().name("delay-proxy-" + listen.getPort()).start(this::acceptLoop);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket inbound = server.accept();
                Socket outbound = new Socket();
                sockets.add(inbound);
                sockets.add(outbound);
                try {
                    outbound.connect(target, 2000);
                } catch (IOException e) {
                    closeQuietly(inbound);
                    closeQuietly(outbound);
                    continue;
                }
                connections.incrementAndGet();
                inbound.setTcpNoDelay(true);
                outbound.setTcpNoDelay(true);
                pump(inbound, outbound);
                pump(outbound, inbound);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        ArrayBlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(CHUNKS_QUEUED_MAX);
        Thread.ofVirtual().start(() -> {
            byte[] buffer = new byte[CHUNK_BYTES_MAX];
            try (InputStream in = from.getInputStream()) {
                for (int read; (read = in.read(buffer)) >= 0; ) {
                    queue.put(new Chunk(System.nanoTime() + delayNanos, Arrays.copyOf(buffer, read)));
                }
            } catch (IOException | InterruptedException e) {
                // The connection ended; the writer closes both ends.
            } finally {
                queue.offer(new Chunk(0, END));
            }
        });
        Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                    if (chunk == null) {
                        if (closed || from.isClosed()) {
                            break;
                        }
                        continue;
                    }
                    if (chunk.bytes() == END) {
                        break;
                    }
                    long wait = chunk.dueNanos() - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(chunk.bytes());
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // Fall through: close both ends.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        });
    }

    /** Connections proxied so far. */
    int connections() {
        return connections.get();
    }

    /** Stops accepting and cuts every proxied connection (the node then reconnects directly). */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // Closing for cleanup: nothing left to do with the error.
        }
    }
}
