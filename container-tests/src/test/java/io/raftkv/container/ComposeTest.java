package io.raftkv.container;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real docker-compose.yml, as a user runs it: {@code up -d} of 3 nodes, then of 5 nodes (with
 * deploy/docker-compose.5nodes.yml) together with the monitoring profile; each time bin/kvctl shows
 * every endpoint, writes and reads a key, and {@code down -v} removes it all. With monitoring,
 * Prometheus must report every node's target as up (/api/v1/targets) and exactly one leader in its
 * data.
 *
 * <p>Images: raftkv:local is built first from this tree (see {@link RaftKvImage}); Prometheus is
 * $PROMETHEUS_IMAGE, else raftkv-prometheus:local (deploy/prometheus-image.sh, from Debian's
 * binary), else the compose file's public image if it is present. Grafana runs only if its image
 * is present locally; on our machines it is not (no registry, no Debian package), so the test says
 * so and checks the provisioning files only statically (ComposeFileTest).
 *
 * <p>Uses docker-compose (1.29) if installed, else the {@code docker compose} plugin. The project
 * name is raftkv-test-compose; host ports are the compose file's (21379..25381, 9090).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeTest {
    private static final String PROJECT = "raftkv-test-compose";
    private static final String FIVE_NODES = "deploy/docker-compose.5nodes.yml";
    private static final String LOCAL_PROMETHEUS = "raftkv-prometheus:local";
    private static final Duration UP_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration KVCTL_TIMEOUT = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private List<String> compose;
    private Path root;
    private String base;

    @BeforeAll
    void findComposeAndBuildImage() {
        RaftKvImage.ensureBuilt();
        root = Repository.root();
        base = RaftKvImage.base(root);
        if (Docker.run(Duration.ofSeconds(30), Map.of(), null, "docker-compose", "version").ok()) {
            compose = List.of("docker-compose");
        } else if (Docker.run(Duration.ofSeconds(30), Map.of(), null, "docker", "compose", "version").ok()) {
            compose = List.of("docker", "compose");
        } else {
            String message = "neither docker-compose nor the docker compose plugin is installed";
            if (Docker.required()) {
                fail(message);
            }
            Assumptions.abort("compose tests skipped: " + message);
        }
        downEverything(); // leftovers of an earlier, interrupted run
    }

    @AfterAll
    void downEverything() {
        if (compose != null) {
            composeCommand(List.of("docker-compose.yml", FIVE_NODES), List.of("--profile", "monitoring"),
                    "down", "-v", "--remove-orphans", "-t", "5");
        }
    }

    @Test
    @Order(1)
    void threeNodesComeUpAndServeKvctl() {
        List<String> files = List.of("docker-compose.yml");
        try {
            up(files, List.of(), List.of(), 3);
            useWithKvctl(3);
        } finally {
            down(files, List.of());
        }
    }

    /**
     * Five nodes and the monitoring profile in one cluster (one start of five JVMs instead of two
     * clusters): Prometheus must find all five through the alias they share.
     */
    @Test
    @Order(2)
    void fiveNodesWithMonitoringServeKvctlAndPrometheusScrapesEveryNode() {
        String prometheusImage = prometheusImage();
        List<String> files = List.of("docker-compose.yml", FIVE_NODES);
        List<String> profile = List.of("--profile", "monitoring");
        List<String> services = new ArrayList<>(List.of("raftkv1", "raftkv2", "raftkv3", "raftkv4", "raftkv5", "prometheus"));
        String grafanaImage = System.getenv().getOrDefault("GRAFANA_IMAGE", "grafana/grafana-oss:11.3.0");
        if (Docker.imageExists(grafanaImage)) {
            services.add("grafana");
        } else {
            System.out.println("container-tests: Grafana not started: no image " + grafanaImage
                    + " on this machine (images cannot be pulled here); its provisioning is checked by ComposeFileTest");
        }
        try {
            up(files, profile, services, 5, Map.of("PROMETHEUS_IMAGE", prometheusImage));
            useWithKvctl(5);
            awaitPrometheusTargetsUp(5, Duration.ofSeconds(60));
            String leaders = awaitQuery("sum(raft_is_leader)", "1", Duration.ofSeconds(30));
            System.out.println("container-tests: Prometheus (" + prometheusImage + ") reports 5 raftkv targets up; "
                    + "sum(raft_is_leader) = " + leaders);
        } finally {
            down(files, profile);
        }
    }

    // ---- Steps ---------------------------------------------------------------------------------

    private void up(List<String> files, List<String> options, List<String> services, int nodes) {
        up(files, options, services, nodes, Map.of());
    }

    private void up(List<String> files, List<String> options, List<String> services, int nodes,
                    Map<String, String> environment) {
        List<Integer> ports = new ArrayList<>();
        for (int node = 1; node <= nodes; node++) {
            ports.add(clientPort(node));
            ports.add(metricsPort(node));
        }
        if (services.contains("prometheus")) {
            ports.add(9090);
        }
        for (int port : ports) {
            if (listening(port)) {
                fail("host port " + port + " is already in use (a local cluster, bin/raftkv-cluster, or a compose project?);"
                        + " the compose file publishes it");
            }
        }
        long started = System.nanoTime();
        List<String> arguments = new ArrayList<>(List.of("up", "-d", "--no-build"));
        arguments.addAll(services);
        composeCommand(files, options, environment, arguments.toArray(String[]::new)).orFail();
        awaitReady(nodes, UP_TIMEOUT);
        System.out.printf("container-tests: compose %s%s up, %d nodes ready in %.1f s%n", String.join(" -f ", files),
                options.isEmpty() ? "" : " " + String.join(" ", options), nodes, (System.nanoTime() - started) / 1e9);
    }

    private void down(List<String> files, List<String> options) {
        long started = System.nanoTime();
        Docker.Result result = composeCommand(files, options, "down", "-v", "--remove-orphans", "-t", "10");
        System.out.printf("container-tests: compose down -v in %.1f s%n", (System.nanoTime() - started) / 1e9);
        result.orFail();
    }

    /** kvctl endpoint status shows every node; a put through kvctl is read back by kvctl. */
    private void useWithKvctl(int nodes) {
        StringJoiner endpoints = new StringJoiner(",");
        for (int node = 1; node <= nodes; node++) {
            endpoints.add("127.0.0.1:" + clientPort(node));
        }
        Map<String, String> environment = Map.of("RAFTKV_ENDPOINTS", endpoints.toString());
        Docker.Result status = kvctl(environment, "endpoint", "status", "-w", "table").orFail();
        System.out.println("container-tests: bin/kvctl endpoint status -w table\n" + status.output());
        for (int node = 1; node <= nodes; node++) {
            assertTrue(status.output().contains("127.0.0.1:" + clientPort(node)), "status lists node " + node);
        }
        String value = "compose-" + nodes + "-nodes";
        kvctl(environment, "put", "compose-key", value).orFail();
        Docker.Result get = kvctl(environment, "get", "compose-key").orFail();
        assertTrue(get.output().contains(value), "kvctl get reads what kvctl put wrote: " + get.output());
    }

    private Docker.Result kvctl(Map<String, String> environment, String... arguments) {
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/kvctl").toString()));
        command.addAll(List.of(arguments));
        return Docker.run(KVCTL_TIMEOUT, environment, root, command.toArray(String[]::new));
    }

    /** Waits until every node answers /ready with 200 on its published metrics port. */
    private void awaitReady(int nodes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Integer, String> last = new HashMap<>();
        while (System.nanoTime() < deadline) {
            for (int node = 1; node <= nodes; node++) {
                last.put(node, get("http://127.0.0.1:" + metricsPort(node) + "/ready"));
            }
            if (last.values().stream().allMatch(answer -> answer.startsWith("200"))) {
                return;
            }
            NodeChannels.sleep(Duration.ofMillis(500));
        }
        String logs = composeCommand(List.of("docker-compose.yml", FIVE_NODES), List.of(), "logs", "--tail", "30").output();
        fail("nodes not ready after " + timeout.toSeconds() + " s: " + last + "\n" + logs);
    }

    private void awaitPrometheusTargetsUp(int nodes, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get("http://127.0.0.1:9090/api/v1/targets?state=active");
            if (countUpTargets(last, "raftkv") == nodes) {
                return;
            }
            NodeChannels.sleep(Duration.ofSeconds(1));
        }
        fail("Prometheus did not report " + nodes + " raftkv targets up within " + timeout.toSeconds() + " s: " + last);
    }

    /** Runs an instant query until its single result's value is {@code expected}; returns it. */
    private String awaitQuery(String query, String expected, Duration timeout) {
        String url = "http://127.0.0.1:9090/api/v1/query?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
        Pattern value = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]*)\"\\]");
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = get(url);
            Matcher matcher = value.matcher(last);
            if (matcher.find() && matcher.group(1).equals(expected)) {
                return matcher.group(1);
            }
            NodeChannels.sleep(Duration.ofSeconds(1));
        }
        fail("Prometheus query " + query + " did not give " + expected + " within " + timeout.toSeconds() + " s: " + last);
        return null;
    }

    /**
     * Active targets of {@code pool} whose health is "up", in a /api/v1/targets answer. Each target
     * is one object with "scrapePool" and "health" fields; Prometheus prints no nested object after
     * "scrapePool", so the fields between one "scrapePool" and the next belong to one target.
     */
    static int countUpTargets(String json, String pool) {
        String[] targets = json.split("\"scrapePool\":");
        int up = 0;
        for (int i = 1; i < targets.length; i++) {
            if (targets[i].startsWith("\"" + pool + "\"") && targets[i].contains("\"health\":\"up\"")) {
                up++;
            }
        }
        return up;
    }

    private String prometheusImage() {
        String configured = System.getenv("PROMETHEUS_IMAGE");
        if (configured != null && !configured.isBlank()) {
            assertTrue(Docker.imageExists(configured), "PROMETHEUS_IMAGE=" + configured + " is not on this machine");
            return configured;
        }
        if (Docker.imageExists(LOCAL_PROMETHEUS)
                || Docker.run(Duration.ofMinutes(2), Map.of(), root, "bash", "deploy/prometheus-image.sh").ok()) {
            return LOCAL_PROMETHEUS;
        }
        String message = "no Prometheus image: set PROMETHEUS_IMAGE, or install Debian's prometheus package so that "
                + "deploy/prometheus-image.sh can make " + LOCAL_PROMETHEUS;
        if (Docker.required()) {
            fail(message);
        }
        Assumptions.abort("monitoring test skipped: " + message);
        return null;
    }

    // ---- Helpers -------------------------------------------------------------------------------

    private Docker.Result composeCommand(List<String> files, List<String> options, String... arguments) {
        return composeCommand(files, options, Map.of(), arguments);
    }

    private Docker.Result composeCommand(List<String> files, List<String> options, Map<String, String> environment,
                                         String... arguments) {
        List<String> command = new ArrayList<>(compose);
        command.addAll(List.of("-p", PROJECT));
        for (String file : files) {
            command.addAll(List.of("-f", file));
        }
        command.addAll(options);
        command.addAll(List.of(arguments));
        Map<String, String> variables = new HashMap<>(environment);
        variables.putIfAbsent("RAFTKV_IMAGE", RaftKvImage.IMAGE);
        variables.putIfAbsent("RAFTKV_BASE_IMAGE", base);
        return Docker.run(UP_TIMEOUT, variables, root, command.toArray(String[]::new));
    }

    /** "200 ok", "503 no leader known", or "000 <error>" when nothing answers. */
    private String get(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().strip();
        } catch (IOException e) {
            return "000 " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static int clientPort(int node) {
        return 20379 + 1000 * node;
    }

    static int metricsPort(int node) {
        return 20381 + 1000 * node;
    }
}
