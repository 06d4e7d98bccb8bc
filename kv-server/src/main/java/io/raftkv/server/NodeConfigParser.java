package io.raftkv.server;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link NodeConfig} from command-line flags, falling back to environment variables, then
 * to defaults: {@code --tick-ms 50} (or {@code --tick-ms=50}) wins over {@code RAFTKV_TICK_MS=50},
 * which wins over the default. An empty environment variable counts as unset. Stateless.
 *
 * <p>Every mistake throws {@link IllegalArgumentException} (an {@link InvalidConfigException}
 * when a flag's value is bad) whose message names the flag and the value, fit to show as it is:
 * {@code invalid --peers: entry 'x' is not id=host:port (from RAFTKV_PEERS)}.
 */
public final class NodeConfigParser {

    /** What the command line asks for. */
    public sealed interface Result permits Run, Help {}

    /** Run a node with this configuration. */
    public record Run(NodeConfig config) implements Result {}

    /** Print {@code text} (the flags, their environment variables and defaults) and exit 0. */
    public record Help(String text) implements Result {}

    private enum Source { FLAG, ENVIRONMENT, DEFAULT }

    private record Value(String text, Source source) {}

    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,20}");
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,20})([kmg]?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern MEMBER_ID = Pattern.compile("[0-9]{1,19}");

    private NodeConfigParser() {}

    /**
     * Parses {@code args} (as given to main) with {@code environment} as the fallback.
     *
     * @throws IllegalArgumentException naming the bad flag and value
     */
    public static Result parse(List<String> args, Map<String, String> environment) {
        if (args.contains("--help") || args.contains("-h")) {
            return new Help(usage());
        }
        Map<NodeFlag, String> given = readArguments(args);
        Map<NodeFlag, Value> values = new EnumMap<>(NodeFlag.class);
        for (NodeFlag flag : NodeFlag.values()) {
            String environmentText = environment.get(flag.env());
            if (given.containsKey(flag)) {
                values.put(flag, new Value(given.get(flag), Source.FLAG));
            } else if (environmentText != null && !environmentText.isEmpty()) {
                values.put(flag, new Value(environmentText, Source.ENVIRONMENT));
            } else if (flag.defaultValue() != null) {
                values.put(flag, new Value(flag.defaultValue(), Source.DEFAULT));
            }
        }
        try {
            return new Run(build(values));
        } catch (InvalidConfigException e) {
            Value bad = values.get(e.flag());
            throw bad != null && bad.source() == Source.ENVIRONMENT ? e.fromEnvironment() : e;
        }
    }

    /** Like {@link #parse} for callers that have no use for help, such as tests and embedders. */
    public static NodeConfig parseConfig(List<String> args, Map<String, String> environment) {
        return switch (parse(args, environment)) {
            case Run run -> run.config();
            case Help help -> throw new IllegalArgumentException("--help asked for; no configuration to build");
        };
    }

    /** Flag by flag: option and value, environment variable, default, one line of help. */
    public static String usage() {
        StringBuilder text = new StringBuilder();
        text.append("usage: raftkv-server --node-id ID --peers ID=HOST:PORT,... [--clients ID=HOST:PORT,...] "
                + "--data-dir PATH [flag ...]\n\n");
        text.append("Runs one raftkv node. Each flag may instead be set by the environment variable shown;\n"
                + "a flag given on the command line wins. BYTES take a k, m or g suffix (KiB, MiB, GiB).\n\n");
        for (NodeFlag flag : NodeFlag.values()) {
            String option = flag.takesValue() ? flag.option() + " " + flag.valueName() : flag.option();
            text.append(String.format("  %-34s %-32s default: %s%n", option, flag.env(), flag.defaultText()));
            text.append("        ").append(flag.help()).append('\n');
        }
        text.append("""

                Example, node 1 of 3:
                  raftkv-server --node-id 1 --data-dir /var/lib/raftkv \\
                    --peers 1=10.0.0.1:2380,2=10.0.0.2:2380,3=10.0.0.3:2380 \\
                    --clients 1=10.0.0.1:2379,2=10.0.0.2:2379,3=10.0.0.3:2379 --client-listen 0.0.0.0:2379
                """);
        return text.toString();
    }

    /** {@code 1=a:2380,2=b:2380}: the form {@code --peers} and {@code --clients} read. */
    static String formatMembers(Map<Long, HostPort> members) {
        StringJoiner joiner = new StringJoiner(",");
        members.forEach((id, address) -> joiner.add(id + "=" + address));
        return joiner.toString();
    }

    /** {@code name=action,...}: the form {@code --failpoints} reads. */
    static String formatFailpoints(Map<String, String> failpoints) {
        StringJoiner joiner = new StringJoiner(",");
        failpoints.forEach((name, action) -> joiner.add(name + "=" + action));
        return joiner.toString();
    }

    private static Map<NodeFlag, String> readArguments(List<String> args) {
        Map<NodeFlag, String> given = new EnumMap<>(NodeFlag.class);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "': flags start with --; --help lists them");
            }
            int equals = arg.indexOf('=');
            String option = equals < 0 ? arg : arg.substring(0, equals);
            NodeFlag flag = NodeFlag.byOption(option);
            if (flag == null) {
                throw new IllegalArgumentException("unknown flag " + option + "; --help lists them");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (!flag.takesValue()) {
                value = "true";
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                value = args.get(++i);
            } else {
                throw new InvalidConfigException(flag, "needs a value (" + flag.valueName() + ")");
            }
            String previous = given.put(flag, value);
            if (previous != null) {
                throw new InvalidConfigException(flag, "given twice ('" + previous + "' and '" + value + "')");
            }
        }
        return given;
    }

    private static NodeConfig build(Map<NodeFlag, Value> values) {
        long nodeId = number(values, NodeFlag.NODE_ID);
        SortedMap<Long, HostPort> peers = members(values, NodeFlag.PEERS);
        SortedMap<Long, HostPort> clients = values.containsKey(NodeFlag.CLIENTS)
                ? members(values, NodeFlag.CLIENTS)
                : defaultClients(peers);
        HostPort clientListen = values.containsKey(NodeFlag.CLIENT_LISTEN)
                ? address(values, NodeFlag.CLIENT_LISTEN)
                : clients.get(nodeId);
        HostPort peerListen = values.containsKey(NodeFlag.PEER_LISTEN)
                ? address(values, NodeFlag.PEER_LISTEN)
                : peers.get(nodeId);
        return new NodeConfig(nodeId, number(values, NodeFlag.CLUSTER_ID), peers, clients, clientListen, peerListen,
                address(values, NodeFlag.METRICS_LISTEN), path(values, NodeFlag.DATA_DIR),
                bool(values, NodeFlag.JOIN), smallNumber(values, NodeFlag.TICK_MS),
                smallNumber(values, NodeFlag.ELECTION_TICKS), smallNumber(values, NodeFlag.HEARTBEAT_TICKS),
                smallSize(values, NodeFlag.MAX_KEY_BYTES), smallSize(values, NodeFlag.MAX_VALUE_BYTES),
                smallNumber(values, NodeFlag.MAX_TXN_OPS), smallSize(values, NodeFlag.MAX_RESPONSE_BYTES),
                smallNumber(values, NodeFlag.PROPOSAL_QUEUE), smallNumber(values, NodeFlag.INBOUND_QUEUE),
                smallNumber(values, NodeFlag.APPLY_QUEUE), smallNumber(values, NodeFlag.READ_QUEUE),
                number(values, NodeFlag.SNAPSHOT_ENTRIES), number(values, NodeFlag.SNAPSHOT_RETAIN_ENTRIES),
                number(values, NodeFlag.SESSION_TTL_MS), size(values, NodeFlag.DISK_RESERVE_BYTES),
                number(values, NodeFlag.REQUEST_TIMEOUT_MS), failpoints(values, NodeFlag.FAILPOINTS),
                bool(values, NodeFlag.UNSAFE_BROKEN_READS));
    }

    /**
     * A single-node cluster may leave out {@code --clients}: it advertises its peer host at the
     * usual client port. With more members there is no safe guess (each may listen elsewhere), so
     * the flag is required.
     */
    private static SortedMap<Long, HostPort> defaultClients(SortedMap<Long, HostPort> peers) {
        if (peers.size() != 1) {
            throw new InvalidConfigException(NodeFlag.CLIENTS, "is required when --peers lists more than one member; "
                    + "give each member's client address, e.g. 1=host1:2379,2=host2:2379,3=host3:2379");
        }
        long id = peers.firstKey();
        return new TreeMap<>(Map.of(id, new HostPort(peers.get(id).host(), NodeConfig.CLIENT_PORT_DEFAULT)));
    }

    private static String text(Map<NodeFlag, Value> values, NodeFlag flag) {
        Value value = values.get(flag);
        if (value == null) {
            throw new InvalidConfigException(flag, "is required (or set " + flag.env() + ")");
        }
        if (value.text().isEmpty()) {
            throw new InvalidConfigException(flag, "is empty");
        }
        return value.text();
    }

    private static long number(Map<NodeFlag, Value> values, NodeFlag flag) {
        String text = text(values, flag).strip();
        if (!NUMBER.matcher(text).matches()) {
            throw new InvalidConfigException(flag, "'" + text + "' is not a whole number");
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(flag, "'" + text + "' is too large");
        }
    }

    private static int smallNumber(Map<NodeFlag, Value> values, NodeFlag flag) {
        return toInt(flag, number(values, flag));
    }

    private static long size(Map<NodeFlag, Value> values, NodeFlag flag) {
        String text = text(values, flag).strip();
        Matcher matcher = SIZE.matcher(text);
        if (!matcher.matches()) {
            throw new InvalidConfigException(flag, "'" + text + "' is not a size in bytes (try 4096, 64k, 1m, 2g)");
        }
        int shift = switch (matcher.group(2).toLowerCase(Locale.ROOT)) {
            case "" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> throw new AssertionError("the pattern admits no other suffix: " + text);
        };
        long amount;
        try {
            amount = Long.parseLong(matcher.group(1));
        } catch (NumberFormatException e) {
            throw new InvalidConfigException(flag, "'" + text + "' is too large");
        }
        if (amount > (Long.MAX_VALUE >> shift)) {
            throw new InvalidConfigException(flag, "'" + text + "' is too large");
        }
        return amount << shift;
    }

    private static int smallSize(Map<NodeFlag, Value> values, NodeFlag flag) {
        return toInt(flag, size(values, flag));
    }

    private static int toInt(NodeFlag flag, long value) {
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new InvalidConfigException(flag, value + " is too large");
        }
        return (int) value;
    }

    private static boolean bool(Map<NodeFlag, Value> values, NodeFlag flag) {
        String text = text(values, flag).strip().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new InvalidConfigException(flag, "'" + text + "' is not true or false");
        };
    }

    private static Path path(Map<NodeFlag, Value> values, NodeFlag flag) {
        String text = text(values, flag);
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new InvalidConfigException(flag, "'" + text + "' is not a path: " + e.getReason());
        }
    }

    private static HostPort address(Map<NodeFlag, Value> values, NodeFlag flag) {
        String text = text(values, flag).strip();
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(flag, e.getMessage());
        }
    }

    private static SortedMap<Long, HostPort> members(Map<NodeFlag, Value> values, NodeFlag flag) {
        SortedMap<Long, HostPort> members = new TreeMap<>();
        for (String entry : text(values, flag).split(",", -1)) {
            String member = entry.strip();
            int equals = member.indexOf('=');
            if (equals < 0 || !MEMBER_ID.matcher(member.substring(0, equals)).matches()) {
                throw new InvalidConfigException(flag, "entry '" + member + "' is not id=host:port");
            }
            long id;
            HostPort address;
            try {
                id = Long.parseLong(member.substring(0, equals));
                address = HostPort.parse(member.substring(equals + 1));
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigException(flag, "entry '" + member + "': " + e.getMessage());
            }
            if (members.put(id, address) != null) {
                throw new InvalidConfigException(flag, "id " + id + " appears twice");
            }
        }
        return members;
    }

    private static SortedMap<String, String> failpoints(Map<NodeFlag, Value> values, NodeFlag flag) {
        SortedMap<String, String> failpoints = new TreeMap<>();
        Value value = values.get(flag);
        if (value == null || value.text().isBlank()) {
            return failpoints;
        }
        for (String entry : value.text().split(",", -1)) {
            String failpoint = entry.strip();
            int equals = failpoint.indexOf('=');
            if (equals <= 0 || equals == failpoint.length() - 1) {
                throw new InvalidConfigException(flag, "entry '" + failpoint + "' is not name=action");
            }
            String name = failpoint.substring(0, equals).strip();
            if (failpoints.put(name, failpoint.substring(equals + 1).strip()) != null) {
                throw new InvalidConfigException(flag, "failpoint " + name + " appears twice");
            }
        }
        return failpoints;
    }
}
