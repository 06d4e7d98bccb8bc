package io.raftkv.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against a real server on a free loopback port. */
class HttpEndpointsTest {
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.notReady("no leader known"));
    private final AtomicReference<String> metricsText = new AtomicReference<>("raft_term{node_id=\"1\"} 4.0\n");
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private HttpEndpoints endpoints;

    @BeforeEach
    void start() throws IOException {
        endpoints = HttpEndpoints.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), metricsText::get,
                alive::get, readiness::get);
    }

    @AfterEach
    void stop() {
        endpoints.close();
        client.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + endpoints.address().getPort() + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theServerBindsAFreePort() {
        assertTrue(endpoints.address().getPort() > 0);
    }

    @Test
    void metricsServesThePrometheusText() throws Exception {
        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("raft_term{node_id=\"1\"} 4.0\n", response.body());
    }

    @Test
    void healthFollowsTheLoopThread() throws Exception {
        HttpResponse<String> response = send("GET", "/health");
        assertEquals(200, response.statusCode());
        assertEquals("ok\n", response.body());
        alive.set(false);
        response = send("GET", "/health");
        assertEquals(503, response.statusCode());
        assertEquals("raft loop thread is not running\n", response.body());
    }

    @Test
    void readySaysWhyNot() throws Exception {
        HttpResponse<String> response = send("GET", "/ready");
        assertEquals(503, response.statusCode());
        assertEquals("no leader known\n", response.body());
        readiness.set(Readiness.READY);
        response = send("GET", "/ready");
        assertEquals(200, response.statusCode());
        assertEquals("ok\n", response.body());
    }

    @Test
    void headAnswersWithoutABody() throws Exception {
        HttpResponse<String> response = send("HEAD", "/health");
        assertEquals(200, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void unknownPathsAndMethodsAreRefused() throws Exception {
        assertEquals(404, send("GET", "/").statusCode());
        assertEquals(404, send("GET", "/metricsx").statusCode());
        assertEquals(404, send("GET", "/metrics/x").statusCode());
        HttpResponse<String> response = send("POST", "/metrics");
        assertEquals(405, response.statusCode());
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElseThrow());
    }

    @Test
    void aFailingSupplierGivesA500AndTheServerCarriesOn() throws Exception {
        metricsText.set(null);
        endpoints.close();
        endpoints = HttpEndpoints.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                () -> { throw new IllegalStateException("registry closed"); }, alive::get, readiness::get);
        HttpResponse<String> response = send("GET", "/metrics");
        assertEquals(500, response.statusCode());
        assertTrue(response.body().contains("registry closed"), response.body());
        assertEquals(200, send("GET", "/health").statusCode());
    }

    @Test
    void manyConcurrentRequestsAreAllAnswered() throws Exception {
        var futures = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
        URI uri = URI.create("http://127.0.0.1:" + endpoints.address().getPort() + "/health");
        for (int i = 0; i < 100; i++) {
            futures.add(client.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var future : futures) {
            assertEquals(200, future.get(20, java.util.concurrent.TimeUnit.SECONDS).statusCode());
        }
    }
}
