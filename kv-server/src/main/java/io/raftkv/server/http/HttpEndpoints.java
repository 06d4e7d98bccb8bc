package io.raftkv.server.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's plain HTTP endpoints, on the JDK's built-in server:
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text (format 0.0.4);</li>
 *   <li>{@code GET /health}: 200 {@code ok} while the raft loop thread runs, else 503;</li>
 *   <li>{@code GET /ready}: 200 {@code ok} when the node can serve clients, else 503 and the reason.</li>
 * </ul>
 * HEAD is answered like GET without a body; other methods get 405, other paths 404.
 *
 * <p>Requests run on {@link #THREADS} threads with a queue of {@link #QUEUE_CAPACITY}; when both
 * are busy the server's accept thread serves the request itself, which stops it accepting more
 * until one is done: backpressure instead of an unbounded queue. The suppliers are called on
 * those threads and must be thread-safe and quick.
 *
 * <p>Thread-safe. Call {@link #close} on shutdown: the JDK server's accept thread is not a daemon,
 * so the JVM does not exit while the endpoints are open.
 */
public final class HttpEndpoints implements AutoCloseable {
    /** Content type of the Prometheus text format that {@code /metrics} serves. */
    public static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    public static final int THREADS = 2;
    public static final int QUEUE_CAPACITY = 16;

    private static final Logger log = LoggerFactory.getLogger(HttpEndpoints.class);
    private static final String TEXT_CONTENT_TYPE = "text/plain; charset=utf-8";
    /** Connections the kernel may queue before the server accepts them. */
    private static final int BACKLOG = 64;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Supplier<String> metrics;
    private final BooleanSupplier alive;
    private final Supplier<Readiness> readiness;

    private HttpEndpoints(HttpServer server, ThreadPoolExecutor executor, Supplier<String> metrics,
                          BooleanSupplier alive, Supplier<Readiness> readiness) {
        this.server = server;
        this.executor = executor;
        this.metrics = metrics;
        this.alive = alive;
        this.readiness = readiness;
    }

    /**
     * Binds {@code address} (port 0 picks a free port; see {@link #address()}) and starts serving.
     *
     * @param metrics   the Prometheus text, such as {@code NodeMetrics::scrape}
     * @param alive     true while the raft loop thread runs
     * @param readiness whether the node is ready, and why not
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    public static HttpEndpoints start(InetSocketAddress address, Supplier<String> metrics, BooleanSupplier alive,
                                      Supplier<Readiness> readiness) throws IOException {
        HttpServer server = HttpServer.create(address, BACKLOG);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(QUEUE_CAPACITY), new NamedThreads(), new ThreadPoolExecutor.CallerRunsPolicy());
        HttpEndpoints endpoints = new HttpEndpoints(server, executor, metrics, alive, readiness);
        server.createContext("/", endpoints::handle);
        server.setExecutor(executor);
        server.start();
        log.info("http endpoints started address={}", endpoints.address());
        return endpoints;
    }

    /** The bound address, with the real port when started on port 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Stops accepting, gives exchanges in progress up to a second, then stops the threads. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            boolean known = path.equals("/metrics") || path.equals("/health") || path.equals("/ready");
            if (!known) {
                respond(exchange, 404, TEXT_CONTENT_TYPE, "not found: " + path + " (try /metrics, /health, /ready)\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, TEXT_CONTENT_TYPE, method + " not allowed; use GET\n");
            } else {
                serve(exchange, path);
            }
        }
    }

    private void serve(HttpExchange exchange, String path) throws IOException {
        try {
            switch (path) {
                case "/metrics" -> respond(exchange, 200, METRICS_CONTENT_TYPE, metrics.get());
                case "/health" -> {
                    boolean running = alive.getAsBoolean();
                    respond(exchange, running ? 200 : 503, TEXT_CONTENT_TYPE,
                            running ? "ok\n" : "raft loop thread is not running\n");
                }
                case "/ready" -> {
                    Readiness answer = readiness.get();
                    respond(exchange, answer.ready() ? 200 : 503, TEXT_CONTENT_TYPE, answer.reason() + "\n");
                }
                default -> throw new AssertionError("handle() lets only known paths through: " + path);
            }
        } catch (RuntimeException e) {
            // A supplier failed: the answer is a 500 that says so, and the server keeps serving.
            log.warn("http endpoint failed path={}", path, e);
            respond(exchange, 500, TEXT_CONTENT_TYPE, path + " failed: " + e + "\n");
        }
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        // -1: no body follows (HEAD); otherwise the exact length, so no chunked encoding.
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    /** Threads named {@code raftkv-http-N}, daemons so that a forgotten close cannot hang exit. */
    private static final class NamedThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "raftkv-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
