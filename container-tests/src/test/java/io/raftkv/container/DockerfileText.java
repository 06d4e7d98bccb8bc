package io.raftkv.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The instructions of a Dockerfile that the drift check needs (ENV, EXPOSE, VOLUME, HEALTHCHECK,
 * ENTRYPOINT), read as text: continuation lines joined, comments dropped, ENV's {@code KEY=VALUE}
 * pairs split with double quotes honoured. Not a full parser: no escapes inside quotes, no
 * {@code ENV KEY VALUE} form, no variable expansion; the check fails loudly on what it cannot read.
 */
record DockerfileText(List<String> instructions) {

    static DockerfileText read(Path path) throws IOException {
        List<String> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(path)) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#") || (trimmed.isEmpty() && current.isEmpty())) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            instructions.add(current.toString().strip());
            current.setLength(0);
        }
        if (!current.isEmpty()) {
            instructions.add(current.toString().strip());
        }
        return new DockerfileText(List.copyOf(instructions));
    }

    /** The arguments of every instruction named {@code keyword} (case-insensitive), in order. */
    List<String> arguments(String keyword) {
        List<String> found = new ArrayList<>();
        for (String instruction : instructions) {
            int space = instruction.indexOf(' ');
            String name = space < 0 ? instruction : instruction.substring(0, space);
            if (name.equalsIgnoreCase(keyword)) {
                found.add(space < 0 ? "" : instruction.substring(space + 1).strip());
            }
        }
        return found;
    }

    /** Every variable the ENV instructions set, in order; a later ENV wins. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String arguments : arguments("ENV")) {
            for (String pair : words(arguments)) {
                int equals = pair.indexOf('=');
                if (equals <= 0) {
                    throw new IllegalArgumentException("ENV " + arguments + ": '" + pair + "' is not KEY=VALUE");
                }
                environment.put(pair.substring(0, equals), pair.substring(equals + 1));
            }
        }
        return environment;
    }

    /** Splits on spaces outside double quotes and removes the quotes: {@code A="" B=x} is [A=, B=x]. */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unbalanced quotes in: " + text);
        }
        if (any) {
            words.add(word.toString());
        }
        return words;
    }
}
