package io.raftkv.check;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Records a history as JSON lines in the format {@link HistoryReader} reads, so every fault test
 * writes the same thing. Thread-safe: client threads call it directly.
 *
 * <p>Call {@link #invoke} just before sending a request and {@link #ok}, {@link #fail} or
 * {@link #info} just after learning its outcome (info when it is unknown, e.g. on a timeout). The
 * file's line order is the real-time order the checker relies on, so the timestamp is read and
 * the line written under one lock: a line written later never carries an earlier time. Each line
 * is flushed as it is written, so a test that dies still leaves a checkable history behind.
 */
public final class HistoryWriter implements Closeable {
    private final Writer out;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    /**
     * @param out   where the lines go; this writer owns it and closes it
     * @param clock monotonic time for the {@code time} field, e.g. {@code System::nanoTime}
     */
    public HistoryWriter(Writer out, LongSupplier clock) {
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Creates (or truncates) {@code path} and stamps events with {@link System#nanoTime()}. */
    public static HistoryWriter create(Path path) throws IOException {
        return new HistoryWriter(new BufferedWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8)),
                System::nanoTime);
    }

    /** Records that {@code process} sent {@code call}; for a read use {@link Call#read()}. */
    public void invoke(int process, String key, Call call) {
        record(process, EventType.INVOKE, key, call);
    }

    /** Records success; for a read pass the value seen, e.g. {@code Call.read(3)} or {@code Call.read(null)}. */
    public void ok(int process, String key, Call call) {
        record(process, EventType.OK, key, call);
    }

    /** Records a definite failure: the operation took no effect. */
    public void fail(int process, String key, Call call) {
        record(process, EventType.FAIL, key, call);
    }

    /** Records an unknown outcome: the operation may or may not take effect, now or later. */
    public void info(int process, String key, Call call) {
        record(process, EventType.INFO, key, call);
    }

    /** Records one event with the current time. */
    public void record(int process, EventType type, String key, Call call) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(call, "call");
        lock.lock();
        try {
            Event event = Event.of(process, type, key, call, OptionalLong.of(clock.getAsLong()));
            writeLine(event.toJson());
        } finally {
            lock.unlock();
        }
    }

    /** Records an event as given, keeping its time (if any); for replaying or merging histories. */
    public void record(Event event) {
        Objects.requireNonNull(event, "event");
        lock.lock();
        try {
            writeLine(event.toJson());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                out.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Call only when holding {@link #lock}. */
    private void writeLine(String line) {
        if (closed) {
            throw new IllegalStateException("history writer is closed");
        }
        try {
            out.write(line);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("could not record history event " + line, e);
        }
    }
}
