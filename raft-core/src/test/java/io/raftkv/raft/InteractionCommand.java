package io.raftkv.raft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parsed script command: {@code name arg arg key=value key=(1,2,3)}. Positional arguments keep
 * their order; a double-quoted argument may hold spaces; a parenthesised value is a list of ids.
 */
record InteractionCommand(String name, List<String> args, Map<String, String> options) {
    InteractionCommand {
        args = List.copyOf(args);
        options = Map.copyOf(options);
    }

    static InteractionCommand parse(String line) {
        List<String> tokens = tokenize(line);
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        List<String> args = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String token : tokens.subList(1, tokens.size())) {
            int equals = token.indexOf('=');
            if (equals > 0 && !token.startsWith("\"") && !token.startsWith("(")) {
                options.put(token.substring(0, equals), token.substring(equals + 1));
            } else {
                args.add(unquote(token));
            }
        }
        return new InteractionCommand(tokens.getFirst(), args, options);
    }

    private static List<String> tokenize(String line) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && c == '(') {
                depth++;
            } else if (!quoted && c == ')') {
                depth--;
            }
            if (Character.isWhitespace(c) && !quoted && depth == 0) {
                if (!token.isEmpty()) {
                    tokens.add(token.toString());
                    token.setLength(0);
                }
            } else {
                token.append(c);
            }
        }
        if (quoted || depth != 0) {
            throw new IllegalArgumentException("unbalanced quotes or parentheses in: " + line);
        }
        if (!token.isEmpty()) {
            tokens.add(token.toString());
        }
        return tokens;
    }

    private static String unquote(String token) {
        return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
                ? token.substring(1, token.length() - 1) : token;
    }

    /** The positional arguments as node ids. */
    List<Long> ids() {
        return args.stream().map(InteractionCommand::parseId).toList();
    }

    long id(int position) {
        if (position >= args.size()) {
            throw new IllegalArgumentException(name + ": missing argument " + (position + 1));
        }
        return parseId(args.get(position));
    }

    String arg(int position) {
        if (position >= args.size()) {
            throw new IllegalArgumentException(name + ": missing argument " + (position + 1));
        }
        return args.get(position);
    }

    boolean has(String key) {
        return options.containsKey(key);
    }

    String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    long longOption(String key, long fallback) {
        return options.containsKey(key) ? Long.parseLong(options.get(key)) : fallback;
    }

    long requiredLong(String key) {
        if (!options.containsKey(key)) {
            throw new IllegalArgumentException(name + ": missing " + key + "=");
        }
        return Long.parseLong(options.get(key));
    }

    boolean boolOption(String key, boolean fallback) {
        return options.containsKey(key) ? Boolean.parseBoolean(options.get(key)) : fallback;
    }

    /** A {@code key=(1,2,3)} option as a list (empty when absent). */
    List<Long> listOption(String key) {
        return options.containsKey(key) ? parseList(options.get(key)) : List.of();
    }

    static List<Long> parseList(String value) {
        String body = value.strip();
        if (body.startsWith("(") && body.endsWith(")")) {
            body = body.substring(1, body.length() - 1);
        }
        List<Long> ids = new ArrayList<>();
        for (String part : body.split(",")) {
            if (!part.isBlank()) {
                ids.add(Long.parseLong(part.strip()));
            }
        }
        return ids;
    }

    private static long parseId(String token) {
        return Long.parseLong(token.strip());
    }
}
