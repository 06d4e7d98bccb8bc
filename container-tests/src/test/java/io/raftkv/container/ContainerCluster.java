package io.raftkv.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * A raftkv cluster of real containers of the image under test, on its own Docker network in
 * 10.78.0.128/25 with fixed addresses (node i at 10.78.0.14i), each node's data in a named volume,
 * and the faults the tests inject: SIGKILL and start again (same container, same volume, same
 * address), pause and unpause (cgroup freezer), network disconnect and reconnect.
 *
 * <p>The tests reach the nodes at their container addresses, which are also the client addresses
 * the nodes advertise, so a NOT_LEADER answer names an address the test can dial.
 *
 * <p>Everything it makes carries the label {@link Docker#TEST_LABEL} and a per-run name, and
 * {@link #close} removes it all (containers, network, volumes) even when a test failed;
 * Testcontainers' Ryuk, which would otherwise do that, cannot run here. Not thread-safe: one test
 * thread drives it.
 */
final class ContainerCluster implements AutoCloseable {
    static final String SUBNET = "10.78.0.128/25";
    static final int CLIENT_PORT = 2379;
    static final int PEER_PORT = 2380;
    static final int METRICS_PORT = 2381;
    /** Tries of a docker pause that runc could not freeze in time (see {@link #pause}). */
    static final int PAUSE_ATTEMPTS = 5;

    private final String run;
    private final DockerClient docker;
    private final Network network;
    private final SortedMap<Long, GenericContainer<?>> containers = new TreeMap<>();
    private final List<String> volumes = new ArrayList<>();
    private final Path logDirectory;
    private int faults;

    /**
     * Defines (does not create) {@code size} nodes; {@code settings} are extra RAFTKV_* variables for
     * every node. {@link #start} creates the volumes and containers.
     */
    ContainerCluster(String image, int size, Map<String, String> settings, Path logDirectory) {
        this.run = "raftkv-test-" + Long.toHexString(ProcessHandle.current().pid()) + "-"
                + Long.toHexString(System.nanoTime() & 0xffffff);
        this.docker = DockerClientFactory.instance().client();
        this.logDirectory = logDirectory;
        this.network = Network.builder().createNetworkCmdModifier(cmd -> cmd.withName(run)
                .withLabels(Map.of(Docker.TEST_LABEL, "true"))
                .withIpam(new com.github.dockerjava.api.model.Network.Ipam().withConfig(
                        new com.github.dockerjava.api.model.Network.Ipam.Config().withSubnet(SUBNET))))
                .build();
        StringJoiner peers = new StringJoiner(",");
        StringJoiner clients = new StringJoiner(",");
        for (long id = 1; id <= size; id++) {
            peers.add(id + "=" + ip(id) + ":" + PEER_PORT);
            clients.add(id + "=" + ip(id) + ":" + CLIENT_PORT);
        }
        for (long id = 1; id <= size; id++) {
            String volume = run + "-n" + id;
            volumes.add(volume);
            String address = ip(id);
            String name = run + "-n" + id;
            GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                    .withNetwork(network)
                    .withNetworkAliases("raftkv" + id)
                    .withLabel(Docker.TEST_LABEL, "true")
                    .withEnv(settings)
                    .withEnv("RAFTKV_NODE_ID", Long.toString(id))
                    .withEnv("RAFTKV_PEERS", peers.toString())
                    .withEnv("RAFTKV_CLIENTS", clients.toString())
                    .withExposedPorts(METRICS_PORT)
                    .withCreateContainerCmdModifier(cmd -> {
                        cmd.withName(name).withIpv4Address(address);
                        cmd.getHostConfig().withBinds(new Bind(volume, new Volume("/var/lib/raftkv")));
                    })
                    .waitingFor(Wait.forHttp("/health").forPort(METRICS_PORT).withStartupTimeout(Duration.ofSeconds(90)));
            containers.put(id, container);
        }
    }

    /** Starts every node at once (a node is healthy without a quorum) and waits for each one's /health. */
    void start() {
        for (String volume : volumes) {
            docker.createVolumeCmd().withName(volume).withLabels(Map.of(Docker.TEST_LABEL, "true")).exec();
        }
        Startables.deepStart(containers.values()).join();
    }

    static String ip(long id) {
        return "10.78.0." + (140 + id);
    }

    /** Client address (host:port) of each node, by id. */
    SortedMap<Long, String> clientAddresses() {
        SortedMap<Long, String> addresses = new TreeMap<>();
        containers.keySet().forEach(id -> addresses.put(id, ip(id) + ":" + CLIENT_PORT));
        return addresses;
    }

    List<Long> ids() {
        return List.copyOf(containers.keySet());
    }

    int faults() {
        return faults;
    }

    String containerId(long id) {
        return containers.get(id).getContainerId();
    }

    /** docker kill (SIGKILL) of node {@code id}. */
    void kill(long id) {
        docker.killContainerCmd(containerId(id)).withSignal("KILL").exec();
        faults++;
    }

    /** docker start of the killed node: the same container, so the same volume and address. */
    void restart(long id) {
        docker.startContainerCmd(containerId(id)).exec();
    }

    /** docker stop: SIGTERM, then SIGKILL after {@code grace}; returns the container's exit code. */
    int stop(long id, Duration grace) {
        docker.stopContainerCmd(containerId(id)).withTimeout((int) grace.toSeconds()).exec();
        Long exitCode = docker.inspectContainerCmd(containerId(id)).exec().getState().getExitCodeLong();
        return exitCode == null ? -1 : exitCode.intValue();
    }

    /**
     * docker pause freezes the container's cgroup, and runc gives up ("unable to freeze") when a task
     * stays in uninterruptible sleep, e.g. in an fsync, through its whole wait. That is the engine
     * failing to inject the fault, not the node misbehaving, so the pause is tried again a few times
     * (each failure printed); any other error, or the last failure, fails the test.
     */
    void pause(long id) {
        for (int attempt = 1; ; attempt++) {
            try {
                docker.pauseContainerCmd(containerId(id)).exec();
                faults++;
                return;
            } catch (InternalServerErrorException e) {
                String message = String.valueOf(e.getMessage()).strip();
                if (attempt >= PAUSE_ATTEMPTS || !message.contains("unable to freeze")) {
                    throw e;
                }
                System.out.println("container-tests: docker pause of node " + id + " failed, attempt " + attempt
                        + " of " + PAUSE_ATTEMPTS + ": " + message);
                NodeChannels.sleep(Duration.ofMillis(200));
            }
        }
    }

    void unpause(long id) {
        docker.unpauseContainerCmd(containerId(id)).exec();
    }

    void disconnect(long id) {
        docker.disconnectFromNetworkCmd().withNetworkId(network.getId()).withContainerId(containerId(id)).exec();
        faults++;
    }

    /** Connects the node again with its own address and alias. */
    void reconnect(long id) {
        docker.connectToNetworkCmd().withNetworkId(network.getId()).withContainerId(containerId(id))
                .withContainerNetwork(new ContainerNetwork().withAliases("raftkv" + id)
                        .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(ip(id))))
                .exec();
    }

    /** docker's verdict from the image's HEALTHCHECK: "healthy", "unhealthy", "starting" or "none". */
    String health(long id) {
        var state = docker.inspectContainerCmd(containerId(id)).exec().getState();
        return state.getHealth() == null ? "none" : state.getHealth().getStatus();
    }

    /** Writes each node's log to the log directory (target/container-logs/) for a person to read. */
    void saveLogs() {
        try {
            Files.createDirectories(logDirectory);
            for (Map.Entry<Long, GenericContainer<?>> node : containers.entrySet()) {
                GenericContainer<?> container = node.getValue();
                if (container.getContainerId() != null) {
                    Files.writeString(logDirectory.resolve("node-" + node.getKey() + ".log"), container.getLogs());
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("container-tests: could not save the node logs: " + e);
        }
    }

    /** Removes the containers, the network and the volumes; each step runs even if another failed. */
    @Override
    public void close() {
        saveLogs();
        for (Map.Entry<Long, GenericContainer<?>> node : containers.entrySet()) {
            String containerId = node.getValue().getContainerId();
            try {
                if (containerId != null) {
                    // A paused container cannot be removed by Testcontainers' stop: unpause first.
                    if (Boolean.TRUE.equals(docker.inspectContainerCmd(containerId).exec().getState().getPaused())) {
                        docker.unpauseContainerCmd(containerId).exec();
                    }
                }
                node.getValue().stop();
            } catch (RuntimeException e) {
                System.out.println("container-tests: could not remove node " + node.getKey() + ": " + e);
                if (containerId != null) {
                    Docker.docker("rm", "-f", containerId);
                }
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            System.out.println("container-tests: could not remove network " + run + ": " + e);
            Docker.docker("network", "rm", run);
        }
        for (String volume : volumes) {
            try {
                docker.removeVolumeCmd(volume).exec();
            } catch (NotFoundException e) {
                // Never created: start() failed before it.
            } catch (RuntimeException e) {
                System.out.println("container-tests: could not remove volume " + volume + ": " + e);
            }
        }
    }
}
