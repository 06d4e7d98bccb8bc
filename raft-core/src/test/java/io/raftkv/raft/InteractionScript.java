package io.raftkv.raft;

import java.util.ArrayList;
import java.util.List;

/**
 * An interaction script as text: commands, each followed by a {@code ----} line and the output
 * expected from it, which runs until the next blank line. Lines starting with {@code #} and blank
 * lines between steps are commentary and survive a rewrite unchanged. The format is etcd raft's
 * datadriven one cut down to what our runner needs: one command per step, and outputs never hold
 * blank lines (the runner prints {@code ok} for an empty output), so no double separator is needed.
 */
record InteractionScript(String name, List<Step> steps, List<String> trailer) {
    static final String SEPARATOR = "----";

    /**
     * One command and its expected output.
     *
     * @param preamble comment and blank lines just before the command, kept verbatim
     * @param line     1-based line number of the command in the file, for failure messages
     */
    record Step(List<String> preamble, int line, String command, List<String> expected) {
        Step {
            preamble = List.copyOf(preamble);
            expected = List.copyOf(expected);
        }
    }

    InteractionScript {
        steps = List.copyOf(steps);
        trailer = List.copyOf(trailer);
    }

    static InteractionScript parse(String name, String text) {
        List<String> lines = text.lines().toList();
        List<Step> steps = new ArrayList<>();
        List<String> preamble = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                preamble.add(line);
                i++;
                continue;
            }
            int commandLine = i + 1;
            if (i + 1 >= lines.size() || !lines.get(i + 1).equals(SEPARATOR)) {
                throw new IllegalArgumentException(name + ":" + commandLine + ": command '" + line
                        + "' must be followed by a '" + SEPARATOR + "' line");
            }
            i += 2;
            List<String> expected = new ArrayList<>();
            while (i < lines.size() && !lines.get(i).isBlank()) {
                expected.add(lines.get(i));
                i++;
            }
            steps.add(new Step(preamble, commandLine, line.strip(), expected));
            preamble = new ArrayList<>();
        }
        return new InteractionScript(name, steps, preamble);
    }

    /** The script with every expected output replaced by the matching actual output. */
    String render(List<List<String>> outputs) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < steps.size(); i++) {
            Step step = steps.get(i);
            step.preamble().forEach(line -> text.append(line).append('\n'));
            text.append(step.command()).append('\n').append(SEPARATOR).append('\n');
            outputs.get(i).forEach(line -> text.append(line).append('\n'));
            if (i + 1 < steps.size() && (steps.get(i + 1).preamble().isEmpty()
                    || !steps.get(i + 1).preamble().getFirst().isBlank())) {
                // A blank line ends an output; add it unless the next preamble starts with one.
                text.append('\n');
            }
        }
        if (!trailer.isEmpty() && !trailer.getFirst().isBlank()) {
            text.append('\n');
        }
        trailer.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }
}
