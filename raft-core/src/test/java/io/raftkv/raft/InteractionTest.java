package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every script in {@code src/test/resources/interaction/*.txt} (see {@link InteractionScript}
 * for the format and {@link InteractionEnv} for the commands), one dynamic test per file, and
 * compares each command's output with the expected one exactly.
 *
 * <p>{@code -Drewrite=true} writes the actual outputs back into the source tree instead. A rewritten
 * script is reviewed like code: read every changed output and commit only what Raft should do.
 * The scripts are read from the source tree (not target/) so a rewrite and a rerun agree.
 */
class InteractionTest {
    private static final Path SCRIPTS = Path.of(System.getProperty("basedir", System.getProperty("user.dir")),
            "src", "test", "resources", "interaction");
    private static final boolean REWRITE = Boolean.getBoolean("rewrite");

    @TestFactory
    Stream<DynamicTest> everyScriptProducesItsExpectedOutput() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(SCRIPTS)) {
            files = listing.filter(path -> path.toString().endsWith(".txt")).sorted().toList();
        }
        assertFalse(files.isEmpty(), "no interaction scripts in " + SCRIPTS);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), file.toUri(),
                () -> run(file)));
    }

    private static void run(Path file) {
        InteractionScript script = InteractionScript.parse(file.getFileName().toString(), read(file));
        InteractionEnv env = new InteractionEnv();
        List<List<String>> outputs = new ArrayList<>();
        for (InteractionScript.Step step : script.steps()) {
            List<String> actual = env.run(step.command());
            outputs.add(actual);
            if (!REWRITE && !actual.equals(step.expected())) {
                fail(String.format("%s:%d: output of '%s' differs (- expected, + actual; -Drewrite=true"
                                + " regenerates, then review every change):%n%s",
                        file, step.line(), step.command(), String.join("\n", LineDiff.diff(step.expected(), actual))));
            }
        }
        if (REWRITE) {
            write(file, script.render(outputs));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
