package io.raftkv.check;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a history in JSON-lines form, one event per line, in real-time order:
 *
 * <pre>{"process":3,"type":"invoke","f":"cas","key":"k1","value":[1,2],"time":123456}</pre>
 *
 * <p>{@code type} is invoke, ok, fail or info; {@code f} is read, write or cas; {@code value} is the
 * written value, the [expected, new] pair of a cas, or the value a read returned (null for a
 * missing key; a read's invoke needs none). Values are JSON strings, integers or null and compare
 * as given. {@code time} is optional. Blank lines are skipped. Any malformed line is rejected with
 * a {@link MalformedHistoryException} naming its line number. Stateless.
 */
public final class HistoryReader {
    /** Longest line accepted; real events are under 1 KiB, so anything this long is garbage. */
    public static final int LINE_CHARS_MAX = 1 << 20;
    /** Most events accepted, so a runaway file fails fast instead of exhausting memory. */
    public static final int EVENTS_MAX = 20_000_000;

    private HistoryReader() {}

    /** Reads and pairs a history file (UTF-8). */
    public static History read(Path path) throws IOException {
        HistoryBuilder builder = new HistoryBuilder();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            int events = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lineNumber++;
                events += addLine(builder, line, lineNumber, events);
            }
        }
        return builder.build();
    }

    /** Parses and pairs lines; element i is line i + 1 in error messages. */
    public static History parse(List<String> lines) {
        HistoryBuilder builder = new HistoryBuilder();
        int events = 0;
        for (int i = 0; i < lines.size(); i++) {
            events += addLine(builder, lines.get(i), i + 1, events);
        }
        return builder.build();
    }

    /** Returns 1 if the line held an event, 0 if it was blank. */
    private static int addLine(HistoryBuilder builder, String line, int lineNumber, int eventsSoFar) {
        if (line.isBlank()) {
            return 0;
        }
        if (line.length() > LINE_CHARS_MAX) {
            throw new MalformedHistoryException(lineNumber, "line longer than " + LINE_CHARS_MAX + " characters");
        }
        if (eventsSoFar >= EVENTS_MAX) {
            throw new MalformedHistoryException(lineNumber, "more than " + EVENTS_MAX + " events");
        }
        builder.add(EventDecoder.decode(line, lineNumber));
        return 1;
    }
}
