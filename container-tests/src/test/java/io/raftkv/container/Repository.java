package io.raftkv.container;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository's files are: the root holds docker-compose.yml and deploy/. */
final class Repository {
    private Repository() {}

    /**
     * The repository root: system property {@code raftkv.root} (the pom sets it to Maven's
     * top-level directory) if it holds docker-compose.yml, else the first directory upward from the
     * working directory that does.
     */
    static Path root() {
        String configured = System.getProperty("raftkv.root");
        if (configured != null && Files.isRegularFile(Path.of(configured, "docker-compose.yml"))) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path directory = Path.of("").toAbsolutePath(); directory != null; directory = directory.getParent()) {
            if (Files.isRegularFile(directory.resolve("docker-compose.yml"))
                    && Files.isDirectory(directory.resolve("deploy"))) {
                return directory;
            }
        }
        throw new IllegalStateException("no repository root (a directory with docker-compose.yml and deploy/) above "
                + Path.of("").toAbsolutePath());
    }

    static Path file(String relative) {
        return root().resolve(relative);
    }
}
