package io.raftkv.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs short host commands (ip, iptables, tc, kill) with a timeout and captures their output. Every
 * command and its outcome is appended to a command log when one is given, so a run's changes to
 * the host can be audited afterwards. Thread-safe.
 */
class Shell {
    static final Duration TIMEOUT_DEFAULT = Duration.ofSeconds(20);

    /** A finished command: its exit status (-1 on timeout, 127 if it could not start) and output. */
    record Result(List<String> command, int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        String describe() {
            String detail = err.isBlank() ? out.strip() : err.strip();
            return String.join(" ", command) + " -> exit " + exit + (detail.isEmpty() ? "" : ": " + detail);
        }
    }

    private final PrintWriter commandLog;

    /** @param commandLog where to record every command, or null */
    Shell(PrintWriter commandLog) {
        this.commandLog = commandLog;
    }

    Result run(List<String> command) {
        return run(command, null, TIMEOUT_DEFAULT);
    }

    Result run(String... command) {
        return run(List.of(command));
    }

    /** Runs {@code command}, feeding it {@code input} (or nothing) on stdin. */
    Result run(List<String> command, String input, Duration timeout) {
        Result result;
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            try (OutputStream stdin = process.getOutputStream()) {
                if (input != null) {
                    stdin.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                result = new Result(command, -1, "", "timed out after " + timeout.toMillis() + " ms");
            } else {
                result = new Result(command, process.exitValue(), out.join(), err.join());
            }
        } catch (IOException e) {
            result = new Result(command, 127, "", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result = new Result(command, -1, "", "interrupted");
        }
        record(result, input);
        return result;
    }

    /** Runs {@code command} and throws unless it exits 0. */
    String check(String... command) {
        return check(List.of(command), null);
    }

    String check(List<String> command, String input) {
        Result result = run(command, input, TIMEOUT_DEFAULT);
        if (!result.ok()) {
            throw new ChaosException("command failed: " + result.describe());
        }
        return result.out();
    }

    /** {@code ip netns exec <namespace> <command...>} */
    static List<String> inNamespace(String namespace, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(List.of(command));
        return full;
    }

    private void record(Result result, String input) {
        if (commandLog == null) {
            return;
        }
        synchronized (commandLog) {
            commandLog.println(result.describe().replace('\n', ' '));
            if (input != null) {
                commandLog.println("  stdin: " + input.strip().replace("\n", " | "));
            }
            commandLog.flush();
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (stream) {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                stream.transferTo(bytes);
                text.complete(bytes.toString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.complete("");
            }
        });
        return text;
    }
}
