package io.raftkv.container;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The image under test, {@code raftkv:local}, built from deploy/Dockerfile and this tree's server
 * jar once per test JVM, so the tests always run the code Maven just packaged (docker's layer
 * cache makes a rebuild with an unchanged jar take a second or two).
 *
 * <p>The base: {@code RAFTKV_BASE_IMAGE} if set; else {@code raftkv-base:local} if it exists or
 * deploy/base-image.sh can make it (it needs a JDK to jlink); else the Dockerfile's public default,
 * which needs a registry. Thread-safe.
 */
final class RaftKvImage {
    static final String IMAGE = "raftkv:local";
    static final String LOCAL_BASE = "raftkv-base:local";
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(5);

    private static boolean built;

    private RaftKvImage() {}

    /** Builds {@link #IMAGE} if this JVM has not yet; skips (or fails, where required) without the jar. */
    static synchronized String ensureBuilt() {
        Docker.requireEngine();
        if (built) {
            return IMAGE;
        }
        Docker.removeLeftovers();
        Path root = Repository.root();
        Path jar = root.resolve("kv-server/target/raftkv-server.jar");
        if (!Files.isRegularFile(jar)) {
            String message = "no server jar at " + jar + "; build it first: mvn -B package -pl kv-server -am";
            if (Docker.required()) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        String base = base(root);
        long started = System.nanoTime();
        Docker.run(BUILD_TIMEOUT, Map.of(), root, "docker", "build", "-q", "--build-arg", "BASE=" + base,
                "-t", IMAGE, "-f", "deploy/Dockerfile", ".").orFail();
        System.out.printf("container-tests: built %s on %s in %.1f s%n", IMAGE, base, (System.nanoTime() - started) / 1e9);
        built = true;
        return IMAGE;
    }

    /** The base image to build on (see the class comment); builds the local base if it can. */
    static String base(Path root) {
        String configured = System.getenv("RAFTKV_BASE_IMAGE");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        if (Docker.imageExists(LOCAL_BASE)) {
            return LOCAL_BASE;
        }
        Docker.Result made = Docker.run(BUILD_TIMEOUT, Map.of(), root, "bash", "deploy/base-image.sh");
        if (made.ok()) {
            return LOCAL_BASE;
        }
        System.out.println("container-tests: deploy/base-image.sh could not make " + LOCAL_BASE
                + "; building on the Dockerfile's default base (needs a registry):\n" + made.output());
        return "eclipse-temurin:21-jre";
    }
}
