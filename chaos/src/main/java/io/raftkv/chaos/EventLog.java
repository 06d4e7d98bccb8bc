package io.raftkv.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * The run's timeline: one line per event, {@code [  12.3s] kill: kill -9 node 2 (leader)}, printed as
 * it happens and appended to the nemesis log. Times are seconds since the run started. Thread-safe.
 */
final class EventLog implements AutoCloseable {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    private final PrintStream console;
    private final Writer file;
    private final long startNanos;

    EventLog(PrintStream console, Path file, long startNanos) throws IOException {
        this.console = console;
        this.file = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        this.startNanos = startNanos;
    }

    /** Seconds since the start of the run. */
    double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    synchronized void event(String format, Object... args) {
        String line = String.format("[%7.2fs %s] ", elapsedSeconds(), LocalTime.now().format(CLOCK))
                + String.format(format, args);
        console.println(line);
        console.flush();
        try {
            file.write(line);
            file.write('\n');
            file.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the nemesis log", e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        file.close();
    }
}
