package io.raftkv.chaos;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code raftkv-chaos}'s command line. Every mistake throws {@link IllegalArgumentException}
 * with a message fit to print as it is. Stateless.
 */
final class ChaosArguments {
    /** What the command line asks for. */
    sealed interface Request permits Run, Cleanup, Help {}

    record Run(ChaosOptions options) implements Request {}

    record Cleanup() implements Request {}

    record Help(String text) implements Request {}

    static final String USAGE = """
            usage: raftkv-chaos [--nodes 3|5] [--duration 60s] [--seed S] [--faults KIND,...|all] [--out DIR]
                                [--ops-rate N] [--workers N] [--keys N] [--server-jar PATH] [--check-timeout 120s]
                                [--calls stream|unary] [--unsafe-broken-reads]
                   raftkv-chaos --cleanup      remove namespaces, bridge, iptables rules and node processes
                                               left behind by a run that was killed
            Runs 3 or 5 raftkv nodes (kv-server/target/raftkv-server.jar) in network namespaces on bridge
            br-raftkv77 (10.77.0.0/24), injects seeded faults while clients record a history, then heals,
            reads every key and checks the history. Needs root. Ends with the line
              chaos: N ops, F faults, linearizable: yes|no, lost acknowledged writes: L
            and exits 0 only if the history is linearizable, L is 0 and no node died by itself (1: a violation,
            a lost write or a node crash; 2: bad input or the host is not ready; 3: the harness failed).
            --calls: the workers' reads, writes and CAS go over one KV Stream call per node, as the client
            library sends them (stream, the default), or as a unary call each (unary).
            --faults kinds (default all):
            """;

    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})(ms|s|m|h)?");
    private static final Set<String> SWITCHES = Set.of("--unsafe-broken-reads", "--cleanup", "--help", "-h");

    private ChaosArguments() {}

    static String usage() {
        StringBuilder text = new StringBuilder(USAGE);
        for (FaultKind kind : FaultKind.values()) {
            text.append(String.format("  %-12s %s%n", kind.cliName(), kind.description()));
        }
        return text.toString();
    }

    /**
     * @param environment for RAFTKV_SERVER_JAR and RAFTKV_ROOT (where kv-server's jar is looked for)
     * @param now         names the default output directory
     */
    static Request parse(List<String> args, Map<String, String> environment, LocalDateTime now) {
        if (args.contains("--help") || args.contains("-h")) {
            return new Help(usage());
        }
        Map<String, String> given = read(args);
        if (given.containsKey("--cleanup")) {
            if (given.size() > 1) {
                throw new IllegalArgumentException("--cleanup takes no other flags");
            }
            return new Cleanup();
        }
        int nodes = integer(given, "--nodes", "3");
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 3 or 5 (a majority must survive one or two faults), got "
                    + nodes);
        }
        Duration duration = duration(given, "--duration", "60s");
        long seed = given.containsKey("--seed") ? number(given.get("--seed"), "--seed") : new SecureRandom().nextLong();
        Set<FaultKind> faults = faults(given.getOrDefault("--faults", "all"));
        String defaultOut = System.getProperty("java.io.tmpdir") + "/raftkv-chaos-"
                + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path out = path(given.getOrDefault("--out", defaultOut), "--out");
        int opsRate = integer(given, "--ops-rate", "150");
        int workers = integer(given, "--workers", Integer.toString(5 * nodes));
        int keys = integer(given, "--keys", "5");
        Path serverJar = path(given.getOrDefault("--server-jar", defaultServerJar(environment)), "--server-jar");
        Duration checkTimeout = duration(given, "--check-timeout", "120s");
        String calls = given.getOrDefault("--calls", "stream");
        if (!calls.equals("stream") && !calls.equals("unary")) {
            throw new IllegalArgumentException("--calls must be stream or unary, got '" + calls + "'");
        }
        return new Run(new ChaosOptions(nodes, duration, seed, faults, out, opsRate, workers, keys, serverJar,
                given.containsKey("--unsafe-broken-reads"), checkTimeout, calls.equals("stream")));
    }

    private static Map<String, String> read(List<String> args) {
        Map<String, String> given = new HashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'; flags start with --");
            }
            int equals = arg.indexOf('=');
            String flag = equals < 0 ? arg : arg.substring(0, equals);
            String value;
            if (SWITCHES.contains(flag)) {
                if (equals >= 0) {
                    throw new IllegalArgumentException(flag + " takes no value");
                }
                value = "true";
            } else if (!knownFlag(flag)) {
                throw new IllegalArgumentException("unknown flag " + flag + "; --help lists them");
            } else if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            if (given.put(flag, value) != null) {
                throw new IllegalArgumentException(flag + " given twice");
            }
        }
        return given;
    }

    private static boolean knownFlag(String flag) {
        return List.of("--nodes", "--duration", "--seed", "--faults", "--out", "--ops-rate", "--workers", "--keys",
                "--server-jar", "--check-timeout", "--calls").contains(flag);
    }

    static Set<FaultKind> faults(String text) {
        if (text.strip().equals("all")) {
            return FaultKind.all();
        }
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (String name : text.split(",", -1)) {
            FaultKind kind = FaultKind.byName(name.strip());
            if (kind == null) {
                throw new IllegalArgumentException("unknown fault kind '" + name.strip() + "' in --faults; known: "
                        + FaultKind.names(FaultKind.all()) + " (or all)");
            }
            kinds.add(kind);
        }
        return kinds;
    }

    static Duration parseDuration(String text, String flag) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(flag + " '" + text + "' is not a duration (try 60s, 90s, 2m)");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new AssertionError("the pattern admits no other unit: " + unit);
        };
    }

    private static Duration duration(Map<String, String> given, String flag, String fallback) {
        return parseDuration(given.getOrDefault(flag, fallback), flag);
    }

    private static int integer(Map<String, String> given, String flag, String fallback) {
        long value = number(given.getOrDefault(flag, fallback), flag);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(flag + " " + value + " is too large");
        }
        return (int) value;
    }

    private static long number(String text, String flag) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " '" + text + "' is not a whole number");
        }
    }

    private static Path path(String text, String flag) {
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(flag + " '" + text + "' is not a path: " + e.getReason());
        }
    }

    private static String defaultServerJar(Map<String, String> environment) {
        String explicit = environment.get("RAFTKV_SERVER_JAR");
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String property = System.getProperty("raftkv.server.jar");
        if (property != null && !property.isBlank()) {
            return property;
        }
        String root = environment.getOrDefault("RAFTKV_ROOT", ".");
        return root + "/kv-server/target/raftkv-server.jar";
    }
}
