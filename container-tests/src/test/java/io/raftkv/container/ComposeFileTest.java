package io.raftkv.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.server.HostPort;
import io.raftkv.server.NodeConfig;
import io.raftkv.server.NodeConfigParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Docker-free drift check of the deployment files: docker-compose.yml (alone and with the 5-node
 * override), deploy/Dockerfile, the Prometheus and Grafana configuration. Each node's environment
 * (the image's ENV, then the service's) goes through the server's own flag parser, so a renamed
 * flag, a peer list that names a missing service, a published port that is not the one the node
 * listens on, or a data directory outside the volume fails here, in every build, without Docker.
 *
 * <p>The override is merged as compose does for what our files use: services' environment maps key
 * by key, new services whole.
 */
class ComposeFileTest {
    private static final String COMPOSE = "docker-compose.yml";
    private static final String FIVE_NODES = "deploy/docker-compose.5nodes.yml";
    private static final String DOCKERFILE = "deploy/Dockerfile";
    private static final String DISCOVERY_ALIAS = "raftkv-nodes";
    private static final Pattern NODE_SERVICE = Pattern.compile("raftkv([0-9]+)");
    /** Keys docker-compose 1.29 accepts at the top of a 2.4 file (plus x- extensions). */
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("version", "services", "networks", "volumes");
    /** Service keys our files may use: all exist in file format 2.4 as docker-compose 1.28+ reads it. */
    private static final Set<String> SERVICE_KEYS = Set.of("image", "build", "restart", "stop_grace_period", "hostname",
            "environment", "ports", "volumes", "networks", "profiles", "command");

    /** A node as the compose model and the server's parser see it. */
    private record Node(String service, long id, NodeConfig config, Map<Integer, String> published,
                        Map<String, String> volumeByTarget, String address, List<String> aliases) {}

    @Test
    void threeNodeFileGivesEveryNodeAConfigurationTheServerAccepts() throws IOException {
        checkCluster(compose(COMPOSE), 3);
    }

    @Test
    void fiveNodeOverrideGivesFiveConsistentNodes() throws IOException {
        checkCluster(merge(compose(COMPOSE), compose(FIVE_NODES)), 5);
    }

    @Test
    void imageListensOnItsExposedPortsKeepsDataInItsVolumeAndStopsOnSigterm() throws IOException {
        DockerfileText dockerfile = DockerfileText.read(Repository.file(DOCKERFILE));
        Map<String, String> environment = dockerfile.environment();
        NodeConfig config = NodeConfigParser.parseConfig(List.of(), withCluster(environment, 1));
        Set<Integer> exposed = new TreeSet<>();
        dockerfile.arguments("EXPOSE").forEach(ports -> DockerfileText.words(ports)
                .forEach(port -> exposed.add(Integer.parseInt(port.replace("/tcp", "")))));
        assertEquals(new TreeSet<>(Set.of(config.clientListen().port(), config.peerListen().port(),
                config.metricsListen().port())), exposed, "EXPOSE lists exactly the ports the node listens on");
        assertEquals(Set.of(2379, 2380, 2381), exposed, "the well-known ports (etcd's) that docs and compose use");

        assertTrue(dockerfile.arguments("VOLUME").stream().anyMatch(v -> v.contains("\"" + config.dataDir() + "\"")),
                "VOLUME holds RAFTKV_DATA_DIR " + config.dataDir() + ": " + dockerfile.arguments("VOLUME"));
        assertEquals(List.of("BASE=eclipse-temurin:21-jre"), dockerfile.arguments("ARG"), "the base is a build argument");
        assertEquals(List.of("${BASE}"), dockerfile.arguments("FROM"));
        String user = dockerfile.arguments("USER").getLast();
        assertFalse(user.equals("root") || user.startsWith("0"), "runs as a non-root user, not " + user);

        // Exec form, and the script execs java: java is PID 1 and receives docker stop's SIGTERM.
        assertEquals(List.of("[\"/opt/raftkv/bin/raftkv-entrypoint\"]"), dockerfile.arguments("ENTRYPOINT"));
        assertTrue(Files.readString(Repository.file("deploy/image/raftkv-entrypoint")).contains("\nexec java "),
                "the entrypoint execs java");
        assertEquals(List.of("SIGTERM"), dockerfile.arguments("STOPSIGNAL"));

        String healthcheck = String.join(" ", dockerfile.arguments("HEALTHCHECK"));
        assertTrue(healthcheck.contains("/opt/raftkv/bin/raftkv-healthcheck"), healthcheck);
        String script = Files.readString(Repository.file("deploy/image/raftkv-healthcheck"));
        assertTrue(script.contains("RAFTKV_METRICS_LISTEN:-0.0.0.0:" + config.metricsListen().port())
                && script.contains("GET /health "), "the HEALTHCHECK asks the metrics port's /health");
        for (String copied : List.of("deploy/image/raftkv-entrypoint", "deploy/image/raftkv-healthcheck")) {
            assertTrue(Files.isExecutable(Repository.file(copied)), copied + " is executable (COPY keeps the mode)");
        }
    }

    @Test
    void composeFileUsesOnlyWhatDockerCompose129Accepts() throws IOException {
        for (String file : List.of(COMPOSE, FIVE_NODES)) {
            Map<String, Object> model = compose(file);
            assertEquals("2.4", model.get("version"), file + ": file format 2.4 (compose 1.29 and the plugin)");
            for (String key : model.keySet()) {
                assertTrue(key.startsWith("x-") || TOP_LEVEL_KEYS.contains(key), file + ": top-level key " + key);
            }
            services(model).forEach((name, service) -> service.keySet().forEach(key ->
                    assertTrue(SERVICE_KEYS.contains(key), file + ": service " + name + " uses " + key)));
        }
    }

    @Test
    void filesTheComposeFileMountsExist() throws IOException {
        for (Map<String, Object> service : services(compose(COMPOSE)).values()) {
            for (String volume : strings(service.get("volumes"))) {
                String source = volume.split(":")[0];
                if (source.startsWith("./")) {
                    assertTrue(Files.exists(Repository.file(source.substring(2))), "mounted path " + source + " exists");
                }
            }
        }
    }

    @Test
    void prometheusFindsTheNodesByTheAliasEveryNodeCarries() throws IOException {
        Map<String, Object> prometheus = yaml(Repository.file("deploy/prometheus/prometheus.yml"));
        Map<String, Object> job = maps(prometheus.get("scrape_configs")).stream()
                .filter(config -> "raftkv".equals(config.get("job_name"))).findFirst().orElseThrow();
        assertEquals("/metrics", job.get("metrics_path"));
        Map<String, Object> discovery = maps(job.get("dns_sd_configs")).getFirst();
        assertEquals(List.of(DISCOVERY_ALIAS), discovery.get("names"));
        NodeConfig config = NodeConfigParser.parseConfig(List.of(),
                withCluster(DockerfileText.read(Repository.file(DOCKERFILE)).environment(), 1));
        assertEquals(config.metricsListen().port(), discovery.get("port"), "Prometheus scrapes the metrics port");

        Map<String, Object> service = services(compose(COMPOSE)).get("prometheus");
        assertTrue(strings(service.get("volumes")).contains(
                "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro"));
        assertTrue(strings(service.get("command")).contains("--config.file=/etc/prometheus/prometheus.yml"));
        assertEquals(List.of("monitoring"), service.get("profiles"));
    }

    @Test
    void grafanaProvisioningPointsAtTheMountedDashboardAndTheDatasourceItUses() throws IOException {
        Map<String, Object> datasources = yaml(Repository.file("deploy/grafana/provisioning/datasources/prometheus.yml"));
        Map<String, Object> datasource = maps(datasources.get("datasources")).getFirst();
        assertEquals("http://prometheus:9090", datasource.get("url"), "the compose service's name and port");

        Map<String, Object> providers = yaml(Repository.file("deploy/grafana/provisioning/dashboards/raftkv.yml"));
        Object path = ((Map<?, ?>) maps(providers.get("providers")).getFirst().get("options")).get("path");
        Map<String, Object> grafana = services(compose(COMPOSE)).get("grafana");
        List<String> volumes = strings(grafana.get("volumes"));
        assertTrue(volumes.contains("./deploy/grafana/dashboards:" + path + ":ro"), "dashboards mounted at " + path);
        assertTrue(volumes.contains("./deploy/grafana/provisioning:/etc/grafana/provisioning:ro"));
        assertEquals(List.of("monitoring"), grafana.get("profiles"));

        // JSON is YAML: the dashboard parses, and every panel queries the provisioned datasource.
        Map<String, Object> dashboard = yaml(Repository.file(Dashboard.PATH));
        List<Map<String, Object>> panels = maps(dashboard.get("panels"));
        int queried = 0;
        for (Map<String, Object> panel : panels) {
            if ("row".equals(panel.get("type"))) {
                continue;
            }
            assertEquals(datasource.get("uid"), ((Map<?, ?>) panel.get("datasource")).get("uid"), "panel " + panel.get("title"));
            assertFalse(maps(panel.get("targets")).isEmpty(), "panel " + panel.get("title") + " has a query");
            queried++;
        }
        assertTrue(queried >= 20, "the dashboard has its panels: " + queried);
        assertTrue(Dashboard.metricNames().containsAll(Set.of("raft_is_leader", "raft_term", "raft_commits_total",
                "raft_applies_total", "raft_fsync_latency_seconds_bucket", "grpc_server_requests_seconds_bucket",
                "raft_readindex_latency_seconds_bucket", "raft_queue_depth", "raft_snapshot_duration_seconds_count",
                "raft_leader_changes_total")), "leader, term, commit and apply rates, fsync, request and read-index "
                + "latency, queues, snapshots and leader changes: " + Dashboard.metricNames());
        assertEquals(path + "/raftkv.json", environment(grafana.get("environment")).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"),
                "the home dashboard is the mounted one");
    }

    @Test
    void countsUpTargetsInAPrometheusAnswer() {
        String answer = "{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"discoveredLabels\":{\"job\":\"raftkv\"},"
                + "\"labels\":{\"instance\":\"10.78.0.11:2381\",\"job\":\"raftkv\"},\"scrapePool\":\"raftkv\",\"scrapeUrl\":"
                + "\"http://10.78.0.11:2381/metrics\",\"lastError\":\"\",\"health\":\"up\"},{\"labels\":{},\"scrapePool\":"
                + "\"raftkv\",\"health\":\"down\"},{\"scrapePool\":\"prometheus\",\"health\":\"up\"}]}}";
        assertEquals(1, ComposeTest.countUpTargets(answer, "raftkv"));
        assertEquals(1, ComposeTest.countUpTargets(answer, "prometheus"));
    }

    // ---- The cluster check ---------------------------------------------------------------------

    private static void checkCluster(Map<String, Object> model, int size) throws IOException {
        Map<String, String> image = DockerfileText.read(Repository.file(DOCKERFILE)).environment();
        SortedMap<Long, Node> nodes = new TreeMap<>();
        services(model).forEach((name, service) -> {
            Matcher matcher = NODE_SERVICE.matcher(name);
            if (matcher.matches()) {
                Node node = node(name, Long.parseLong(matcher.group(1)), service, image);
                assertEquals(null, nodes.put(node.id(), node), "two services for node " + node.id());
            }
        });
        assertEquals(size, nodes.size(), "node services: " + nodes.keySet());

        Set<String> addresses = new HashSet<>();
        Set<String> volumes = new HashSet<>();
        Node first = nodes.get(nodes.firstKey());
        for (Node node : nodes.values()) {
            NodeConfig config = node.config();
            assertEquals(node.id(), config.nodeId(), node.service() + ": RAFTKV_NODE_ID matches the service name");
            assertEquals(first.config().clusterId(), config.clusterId(), node.service() + ": one cluster id");
            assertEquals(first.config().peers(), config.peers(), node.service() + ": the same RAFTKV_PEERS as " + first.service());
            assertEquals(first.config().clients(), config.clients(), node.service() + ": the same RAFTKV_CLIENTS as " + first.service());
            assertEquals(nodes.keySet(), config.peers().keySet(), node.service() + ": peers are exactly the node services");

            // Peers dial service names (compose DNS) at the port the named node listens on.
            for (Map.Entry<Long, HostPort> peer : config.peers().entrySet()) {
                Node target = nodes.get(peer.getKey());
                assertEquals(target.service(), peer.getValue().host(), node.service() + ": peer " + peer.getKey() + "'s host");
                assertEquals(target.config().peerListen().port(), peer.getValue().port(), node.service() + ": peer port");
            }
            // Clients dial 127.0.0.1 at the host port published for the named node's client listener.
            for (Map.Entry<Long, HostPort> client : config.clients().entrySet()) {
                Node target = nodes.get(client.getKey());
                String published = target.published().get(target.config().clientListen().port());
                assertNotNull(published, target.service() + " publishes its client port " + target.config().clientListen().port());
                assertEquals(published, "127.0.0.1:" + client.getValue().port(), node.service() + ": client address of "
                        + target.service() + " is the published host port");
                assertEquals("127.0.0.1", client.getValue().host());
            }
            assertNotNull(node.published().get(config.metricsListen().port()), node.service() + " publishes its metrics port");
            assertTrue(config.clientListen().isWildcard() && config.peerListen().isWildcard()
                    && config.metricsListen().isWildcard(), node.service() + ": listens on every interface of the container");

            String volume = node.volumeByTarget().get(config.dataDir().toString());
            assertNotNull(volume, node.service() + ": a volume is mounted on the data dir " + config.dataDir());
            assertTrue(((Map<?, ?>) model.get("volumes")).containsKey(volume), volume + " is a declared named volume");
            assertTrue(volumes.add(volume), "volume " + volume + " is used by one node only");

            assertTrue(node.aliases().contains(DISCOVERY_ALIAS), node.service() + " carries the alias Prometheus resolves");
            assertTrue(node.address().startsWith("10.78.0.") && addresses.add(node.address()),
                    node.service() + ": a unique address in 10.78.0.0/25, got " + node.address());
            int lastOctet = Integer.parseInt(node.address().substring("10.78.0.".length()));
            assertTrue(lastOctet > 1 && lastOctet < 127, node.service() + ": " + node.address() + " is inside 10.78.0.0/25");
        }
        Set<String> hostPorts = new HashSet<>();
        for (Map<String, Object> service : services(model).values()) {
            for (String port : strings(service.get("ports"))) {
                String hostPort = port.substring(0, port.lastIndexOf(':'));
                assertTrue(hostPorts.add(hostPort), "host port " + hostPort + " published once");
                assertTrue(hostPort.startsWith("127.0.0.1:"), "published on loopback only: " + port);
            }
        }
        List<?> subnets = (List<?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) model.get("networks")).get("raftkv")).get("ipam")).get("config");
        assertEquals("10.78.0.0/25", ((Map<?, ?>) subnets.getFirst()).get("subnet"));
    }

    private static Node node(String name, long id, Map<String, Object> service, Map<String, String> image) {
        Map<String, String> environment = new LinkedHashMap<>(image);
        environment.putAll(environment(service.get("environment")));
        NodeConfig config = NodeConfigParser.parseConfig(List.of(), environment);
        Map<Integer, String> published = new HashMap<>();
        for (String port : strings(service.get("ports"))) {
            int colon = port.lastIndexOf(':');
            published.put(Integer.parseInt(port.substring(colon + 1)), port.substring(0, colon));
        }
        Map<String, String> volumeByTarget = new HashMap<>();
        for (String volume : strings(service.get("volumes"))) {
            String[] parts = volume.split(":");
            volumeByTarget.put(parts[1], parts[0]);
        }
        Map<?, ?> network = (Map<?, ?>) ((Map<?, ?>) service.get("networks")).get("raftkv");
        return new Node(name, id, config, published, volumeByTarget, (String) network.get("ipv4_address"),
                strings(network.get("aliases")));
    }

    // ---- YAML ----------------------------------------------------------------------------------

    private static Map<String, Object> compose(String file) throws IOException {
        return yaml(Repository.file(file));
    }

    private static Map<String, Object> yaml(Path path) throws IOException {
        try (Reader reader = Files.newBufferedReader(path)) {
            Map<String, Object> model = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            assertNotNull(model, path + " is empty");
            return model;
        }
    }

    /** The override on top of the base, as compose merges what our files use (see the class comment). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> override) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        Map<String, Map<String, Object>> services = new LinkedHashMap<>();
        services(base).forEach((name, service) -> services.put(name, new LinkedHashMap<>(service)));
        services(override).forEach((name, service) -> {
            Map<String, Object> target = services.computeIfAbsent(name, n -> new LinkedHashMap<>());
            service.forEach((key, value) -> {
                if (key.equals("environment") && target.containsKey(key)) {
                    Map<String, String> environment = new LinkedHashMap<>(environment(target.get(key)));
                    environment.putAll(environment(value));
                    target.put(key, environment);
                } else {
                    target.put(key, value);
                }
            });
        });
        merged.put("services", services);
        Map<String, Object> volumes = new LinkedHashMap<>((Map<String, Object>) base.get("volumes"));
        if (override.get("volumes") instanceof Map<?, ?> more) {
            volumes.putAll((Map<String, Object>) more);
        }
        merged.put("volumes", volumes);
        return merged;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services(Map<String, Object> model) {
        return (Map<String, Map<String, Object>>) model.get("services");
    }

    /** A compose environment: a map, or a list of KEY=VALUE. Values become strings, as compose passes them. */
    private static Map<String, String> environment(Object value) {
        Map<String, String> environment = new LinkedHashMap<>();
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, text) -> environment.put(key.toString(), text == null ? "" : text.toString()));
        } else {
            for (String pair : strings(value)) {
                int equals = pair.indexOf('=');
                environment.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return environment;
    }

    private static List<String> strings(Object value) {
        List<String> strings = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> strings.add(item.toString()));
        } else if (value != null) {
            strings.add(value.toString());
        }
        return strings;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> maps(Object value) {
        return (List<Map<String, Object>>) value;
    }

    /** The image's environment plus the two settings a node needs before the parser accepts it. */
    private static Map<String, String> withCluster(Map<String, String> image, long id) {
        Map<String, String> environment = new LinkedHashMap<>(image);
        environment.put("RAFTKV_NODE_ID", Long.toString(id));
        environment.put("RAFTKV_PEERS", id + "=raftkv" + id + ":2380");
        environment.put("RAFTKV_CLIENTS", id + "=127.0.0.1:2" + id + "379");
        return environment;
    }
}
