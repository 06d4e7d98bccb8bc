package io.raftkv.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parsed command line of {@link CheckMain}. Immutable. */
record CheckArguments(Path history, CheckLimits limits) {

    static final Duration TIMEOUT_DEFAULT = Duration.ofSeconds(60);
    static final String USAGE = "usage: raftkv-check HISTORY.jsonl [--timeout 60s] [--memo-max 512m]\n"
            + "  --timeout   give up after this long (units ms, s, m, h; default 60s)\n"
            + "  --memo-max  memo budget per key in bytes (suffix k, m, g; default 512m)\n"
            + "exit status: 0 linearizable, 1 not linearizable, 2 undecided or bad input";

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)?");
    private static final Pattern BYTES = Pattern.compile("(\\d{1,12})([kmg])?");

    /** @throws IllegalArgumentException with a message fit for the user */
    static CheckArguments parse(List<String> args) {
        Path history = null;
        Duration timeout = TIMEOUT_DEFAULT;
        long memoBytesMax = CheckLimits.MEMO_BYTES_MAX_DEFAULT;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--timeout" -> timeout = duration(valueOf(args, ++i, arg));
                case "--memo-max" -> memoBytesMax = bytes(valueOf(args, ++i, arg));
                default -> {
                    if (arg.startsWith("--timeout=")) {
                        timeout = duration(arg.substring("--timeout=".length()));
                    } else if (arg.startsWith("--memo-max=")) {
                        memoBytesMax = bytes(arg.substring("--memo-max=".length()));
                    } else if (arg.startsWith("-")) {
                        throw new IllegalArgumentException("unknown option " + arg);
                    } else if (history != null) {
                        throw new IllegalArgumentException("only one history file, got " + history + " and " + arg);
                    } else {
                        history = Path.of(arg);
                    }
                }
            }
        }
        if (history == null) {
            throw new IllegalArgumentException("no history file given");
        }
        return new CheckArguments(history, new CheckLimits(timeout, memoBytesMax));
    }

    private static String valueOf(List<String> args, int index, String option) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(index);
    }

    static Duration duration(String text) {
        Matcher matcher = DURATION.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("bad duration " + text + " (try 60s, 500ms, 5m)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration duration = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new AssertionError("the pattern admits no other unit: " + unit);
        };
        if (duration.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + text);
        }
        return duration;
    }

    static long bytes(String text) {
        Matcher matcher = BYTES.matcher(text.toLowerCase(Locale.ROOT));
        if (!matcher.matches()) {
            throw new IllegalArgumentException("bad size " + text + " (try 512m, 2g)");
        }
        long amount = Long.parseLong(matcher.group(1));
        int shift = matcher.group(2) == null ? 0 : switch (matcher.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> throw new AssertionError("the pattern admits no other suffix");
        };
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("size too large: " + text);
        }
        long bytes = amount << shift;
        if (bytes < (1 << 20)) {
            throw new IllegalArgumentException("--memo-max must be at least 1m, got " + text);
        }
        return bytes;
    }
}
