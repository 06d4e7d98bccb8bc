package io.raftkv.check;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds small histories for tests, event by event in real-time order. It records through
 * {@link HistoryWriter} and reads back through {@link HistoryReader}, so every hand-built history
 * also exercises the JSON round trip.
 */
final class TestHistory {
    private final StringWriter text = new StringWriter();
    private final AtomicLong clock = new AtomicLong();
    private final HistoryWriter writer = new HistoryWriter(text, () -> clock.addAndGet(10));

    TestHistory invoke(int process, String key, Call call) {
        writer.invoke(process, key, call);
        return this;
    }

    TestHistory ok(int process, String key, Call call) {
        writer.ok(process, key, call);
        return this;
    }

    TestHistory fail(int process, String key, Call call) {
        writer.fail(process, key, call);
        return this;
    }

    TestHistory info(int process, String key, Call call) {
        writer.info(process, key, call);
        return this;
    }

    /** A write that completes before anything else happens. */
    TestHistory write(int process, String key, Object value) {
        return invoke(process, key, Call.write(value)).ok(process, key, Call.write(value));
    }

    /** A read that completes before anything else happens. */
    TestHistory read(int process, String key, Object observed) {
        return invoke(process, key, Call.read()).ok(process, key, Call.read(observed));
    }

    List<String> lines() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString().lines().toList();
    }

    History build() {
        return HistoryReader.parse(lines());
    }
}
