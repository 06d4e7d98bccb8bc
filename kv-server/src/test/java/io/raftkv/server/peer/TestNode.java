package io.raftkv.server.peer;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** One node's peer layer on loopback: a real gRPC (Netty) server with the PeerService, and a PeerTransport. */
final class TestNode implements AutoCloseable {
    final long id;
    final PeerConfig config;
    final RecordingHandler inbound = new RecordingHandler(100_000);
    final RecordingListener listener = new RecordingListener();
    final PeerService service;
    final PeerTransport transport;
    private final List<ServerInterceptor> interceptors;
    private final ThreadPoolExecutor executor =
            new ThreadPoolExecutor(4, 4, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1024));
    private Server server;
    private int port;

    TestNode(long id, long clusterId, Path snapshotsRoot, UnaryOperator<PeerConfig.Builder> tuning,
             ServerInterceptor... interceptors) {
        this.id = id;
        this.config = tuning.apply(PeerConfig.builder(clusterId, id, snapshotsRoot)
                .closeTimeout(java.time.Duration.ofSeconds(4))).build();
        this.interceptors = List.of(interceptors);
        try {
            this.service = new PeerService(config, inbound);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.transport = new PeerTransport(config, listener, PeerChannelFactory.plaintext(config));
    }

    /** Starts the server on {@code port}, 0 for any free one. */
    TestNode startServer(int port) throws IOException {
        ServerBuilder<?> builder = Grpc.newServerBuilderForPort(port, InsecureServerCredentials.create());
        PeerService.applyServerLimits(builder, config)
                .addService(ServerInterceptors.intercept(service, interceptors))
                .executor(executor);
        server = builder.build().start();
        this.port = server.getPort();
        return this;
    }

    void stopServer() throws InterruptedException {
        server.shutdownNow();
        if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("server of node " + id + " did not stop");
        }
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        transport.close();
        try {
            if (server != null) {
                stopServer();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping node " + id, e);
        } finally {
            executor.shutdownNow();
        }
    }
}
