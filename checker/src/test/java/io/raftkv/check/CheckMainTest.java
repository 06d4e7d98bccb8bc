package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckMainTest {
    @TempDir
    Path directory;

    private String out = "";
    private String err = "";

    private int run(String... args) {
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        int status = CheckMain.run(args, new PrintStream(outBytes, true, StandardCharsets.UTF_8),
                new PrintStream(errBytes, true, StandardCharsets.UTF_8));
        out = outBytes.toString(StandardCharsets.UTF_8);
        err = errBytes.toString(StandardCharsets.UTF_8);
        return status;
    }

    private String file(String name, List<String> lines) throws IOException {
        Path path = directory.resolve(name);
        Files.write(path, lines);
        return path.toString();
    }

    @Test
    void aLinearizableHistoryExitsZeroWithAYesLine() throws IOException {
        String history = file("ok.jsonl", new TestHistory().write(1, "a", 1).read(2, "a", 1).write(1, "b", 2).lines());
        assertEquals(0, run(history));
        assertTrue(out.matches("linearizable: yes \\(3 ops, 2 keys, \\d+ ms\\)\\n"), out);
    }

    @Test
    void aViolationExitsOneWithTheReport() throws IOException {
        String history = file("bad.jsonl", new TestHistory().write(1, "a", 1).read(2, "a", 5).lines());
        assertEquals(1, run(history, "--timeout", "30s"));
        assertTrue(out.startsWith("linearizable: no (key \"a\"; 2 ops, 1 keys, "), out);
        assertTrue(out.contains("key \"a\": not linearizable; shortest failing prefix ends at the ok of read -> 5 by process 2 at line 4"), out);
    }

    @Test
    void malformedInputExitsTwoWithTheLineAndReason() throws IOException {
        String history = file("malformed.jsonl", List.of(
                "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"a\"}",
                "{\"process\":1,\"type\":\"done\",\"f\":\"read\",\"key\":\"a\"}"));
        assertEquals(2, run(history));
        assertTrue(out.startsWith("linearizable: unknown (malformed input: " + history
                + " line 2: unknown type \"done\" (expected invoke, ok, fail or info))"), out);
    }

    @Test
    void aMissingFileExitsTwo() {
        assertEquals(2, run(directory.resolve("absent.jsonl").toString()));
        assertTrue(out.startsWith("linearizable: unknown (no such file: "), out);
    }

    @Test
    void anUndecidedHistoryExitsTwoWithTheReason() throws IOException {
        String history = file("hard.jsonl", LinearizabilityCheckerTest.hardHistory(40).lines());
        assertEquals(2, run(history, "--timeout=300ms"));
        assertTrue(out.startsWith("linearizable: unknown (timeout 300ms passed while checking key \"x\""), out);
    }

    @Test
    void badArgumentsExitTwoWithUsage() {
        assertEquals(2, run());
        assertTrue(err.contains("no history file given"), err);
        assertTrue(err.contains("usage: raftkv-check"), err);
        assertEquals(2, run("h.jsonl", "--timeout", "soon"));
        assertTrue(err.contains("bad duration soon"), err);
        assertEquals(2, run("h.jsonl", "--frobnicate"));
        assertTrue(err.contains("unknown option --frobnicate"), err);
    }

    @Test
    void durationsAndSizesAcceptTheirUnits() {
        assertEquals(java.time.Duration.ofMillis(500), CheckArguments.duration("500ms"));
        assertEquals(java.time.Duration.ofSeconds(60), CheckArguments.duration("60s"));
        assertEquals(java.time.Duration.ofSeconds(7), CheckArguments.duration("7"));
        assertEquals(java.time.Duration.ofMinutes(2), CheckArguments.duration("2m"));
        assertEquals(512L << 20, CheckArguments.bytes("512m"));
        assertEquals(2L << 30, CheckArguments.bytes("2g"));
    }
}
