package io.raftkv.container;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The docker and docker-compose command lines, as a person would type them, plus the one decision
 * every container test starts with: is a Docker engine reachable, and if not, skip or fail.
 *
 * <p>Skip or fail: without an engine the tests skip with a message that says how to run them,
 * except where {@code RAFTKV_CONTAINER_TESTS=required} or {@code CI=true} is set (.ci/run), where
 * a missing engine fails them: CI must run them, not silently skip them. Stateless; thread-safe.
 */
final class Docker {
    /** Label on every container, network and volume the tests make; cleanup finds leftovers by it. */
    static final String TEST_LABEL = "io.raftkv.test";
    /** Longest a docker command may take, so a wedged daemon fails a test instead of hanging CI. */
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(180);
    private static final int OUTPUT_CHARS_MAX = 1 << 20;

    private static volatile Boolean available;
    private static boolean leftoversRemoved;

    private Docker() {}

    /** The output (stdout and stderr, interleaved) and exit status of a finished command. */
    record Result(List<String> command, int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }

        /** This result, or an AssertionError that shows the command and its output. */
        Result orFail() {
            if (exitCode != 0) {
                fail(String.join(" ", command) + " exited " + exitCode + ":\n" + output);
            }
            return this;
        }
    }

    /**
     * Skips the calling test when no engine answers (or fails it where the tests are required).
     * Call first in every test (or {@code @BeforeAll}) that needs Docker.
     */
    static void requireEngine() {
        if (engineAvailable()) {
            return;
        }
        String message = "no Docker engine answers `docker info` (start one as root: bash .ci/docker-setup.sh start;"
                + " see deploy/README.md)";
        if (required()) {
            fail(message + "; the container tests are required here (RAFTKV_CONTAINER_TESTS=required or CI=true)");
        }
        System.out.println("container-tests: skipped: " + message);
        Assumptions.abort("container tests skipped: " + message);
    }

    /**
     * Removes what an earlier, interrupted run left behind (containers, networks and volumes with
     * {@link #TEST_LABEL}): their subnet and names would clash with this run's. Once per JVM; two
     * test runs cannot share one engine anyway, as they would use the same subnets and host ports.
     */
    static synchronized void removeLeftovers() {
        if (leftoversRemoved) {
            return;
        }
        leftoversRemoved = true;
        String filter = "label=" + TEST_LABEL;
        for (String container : ids(docker("ps", "-aq", "--filter", filter))) {
            docker("rm", "-f", "-v", container);
        }
        for (String network : ids(docker("network", "ls", "-q", "--filter", filter))) {
            docker("network", "rm", network);
        }
        for (String volume : ids(docker("volume", "ls", "-q", "--filter", filter))) {
            docker("volume", "rm", "-f", volume);
        }
    }

    /** The ids a successful {@code ls -q} printed, one a line; none if it failed. */
    private static List<String> ids(Result listing) {
        return listing.ok() ? listing.output().lines().map(String::strip).filter(line -> !line.isEmpty()).toList() : List.of();
    }

    /** True where a missing engine, image or tool must fail the tests rather than skip them. */
    static boolean required() {
        return "required".equals(System.getenv("RAFTKV_CONTAINER_TESTS")) || "true".equals(System.getenv("CI"));
    }

    static boolean engineAvailable() {
        Boolean known = available;
        if (known == null) {
            boolean answered;
            try {
                answered = run(Duration.ofSeconds(20), Map.of(), null, "docker", "info").ok();
            } catch (UncheckedIOException e) {
                answered = false; // no docker CLI at all
            }
            available = known = answered;
        }
        return known;
    }

    static boolean imageExists(String image) {
        return docker("image", "inspect", image).ok();
    }

    /** Runs {@code docker args...} with the default timeout. */
    static Result docker(String... args) {
        List<String> command = new ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        return run(COMMAND_TIMEOUT, Map.of(), null, command.toArray(String[]::new));
    }

    /**
     * Runs a command with extra environment {@code environment}, in {@code directory} (null: the
     * current one), and waits at most {@code timeout}; on timeout kills it and its children and
     * reports exit code -1.
     *
     * @throws UncheckedIOException if the program cannot be started (not installed)
     */
    static Result run(Duration timeout, Map<String, String> environment, Path directory, String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Path output;
        Process process;
        try {
            output = Files.createTempFile("raftkv-docker-", ".out");
            builder.redirectOutput(output.toFile());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        }
        try {
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            String text = read(output);
            return new Result(List.of(command), finished ? process.exitValue() : -1,
                    finished ? text : text + "\n(killed after " + timeout.toSeconds() + " s)");
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } finally {
            try {
                Files.deleteIfExists(output);
            } catch (IOException e) {
                // A temp file left behind is harmless; the result is what matters.
            }
        }
    }

    private static String read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(OUTPUT_CHARS_MAX);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
