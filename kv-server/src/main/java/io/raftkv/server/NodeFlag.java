package io.raftkv.server;

import java.util.Locale;

/**
 * The command-line flags of a node, each with its environment variable ({@code --tick-ms} and
 * {@code RAFTKV_TICK_MS}), its default as shown in {@code --help}, and one line of help. The one
 * list that {@link NodeConfigParser}, {@link NodeConfig}'s error messages and the help text share.
 */
public enum NodeFlag {
    NODE_ID("--node-id", "ID", "(required)", "this node's id, > 0; must appear in --peers"),
    CLUSTER_ID("--cluster-id", "ID", "1", "the cluster's id, > 0; a node refuses data of another cluster"),
    PEERS("--peers", "ID=HOST:PORT,...", "(required)",
            "peer (raft) address of every member of the initial cluster, this node included"),
    CLIENTS("--clients", "ID=HOST:PORT,...", "(required with more than one peer; with one: its peer host, port 2379)",
            "client address of every member, same ids as --peers; sent in NOT_LEADER answers and member lists"),
    CLIENT_LISTEN("--client-listen", "HOST:PORT", "(this node's --clients entry)",
            "where the client gRPC API listens (0.0.0.0:2379 for every interface)"),
    PEER_LISTEN("--peer-listen", "HOST:PORT", "(this node's --peers entry)", "where the peer gRPC service listens"),
    METRICS_LISTEN("--metrics-listen", "HOST:PORT", "0.0.0.0:2381", "HTTP for /metrics, /health and /ready"),
    DATA_DIR("--data-dir", "PATH", "(required)", "directory of the log and the state machine"),
    JOIN("--join", null, "false",
            "join an existing cluster as a new member: start empty and wait for the leader's snapshot"),
    TICK_MS("--tick-ms", "MS", "100", "length of one raft tick"),
    ELECTION_TICKS("--election-ticks", "N", "10",
            "ticks without a leader before campaigning (10 x 100 ms = 1 s, as etcd); > --heartbeat-ticks"),
    HEARTBEAT_TICKS("--heartbeat-ticks", "N", "1", "ticks between a leader's heartbeats"),
    MAX_KEY_BYTES("--max-key-bytes", "BYTES", "4096", "largest key"),
    MAX_VALUE_BYTES("--max-value-bytes", "BYTES", "1m", "largest value"),
    MAX_TXN_OPS("--max-txn-ops", "N", "128", "most operations in one transaction"),
    MAX_RESPONSE_BYTES("--max-response-bytes", "BYTES", "4m",
            "largest answer (a Range stops early and says so); >= --max-key-bytes + --max-value-bytes"),
    PROPOSAL_QUEUE("--proposal-queue", "N", "4096", "client writes waiting for the raft loop; then RESOURCE_EXHAUSTED"),
    INBOUND_QUEUE("--inbound-queue", "N", "8192", "peer messages waiting for the raft loop; then dropped"),
    APPLY_QUEUE("--apply-queue", "N", "1024", "committed batches waiting for the apply thread"),
    READ_QUEUE("--read-queue", "N", "4096", "linearizable reads waiting for a read index; then RESOURCE_EXHAUSTED"),
    SNAPSHOT_ENTRIES("--snapshot-entries", "N", "100000", "take a snapshot after this many applied entries"),
    SNAPSHOT_RETAIN_ENTRIES("--snapshot-retain-entries", "N", "5000",
            "log entries kept after a snapshot, so a lagging follower catches up without one"),
    SESSION_TTL_MS("--session-ttl-ms", "MS", "600000",
            "how long a client's request ids are remembered (exactly-once retries); > --request-timeout-ms"),
    DISK_RESERVE_BYTES("--disk-reserve-bytes", "BYTES", "256m",
            "refuse writes (RESOURCE_EXHAUSTED) when the data dir's disk has less free space"),
    REQUEST_TIMEOUT_MS("--request-timeout-ms", "MS", "5000", "longest a client request may wait inside the node"),
    FAILPOINTS("--failpoints", "NAME=ACTION,...", "(none)", "test only: faults to inject; never in production"),
    UNSAFE_BROKEN_READS("--unsafe-broken-reads", null, "false", "!!! TEST ONLY, BREAKS LINEARIZABILITY: serve linearizable "
            + "reads locally without ReadIndex, so a partitioned or paused leader answers stale values; exists only so the "
            + "chaos harness can prove it catches that bug; NEVER set it on a real cluster");

    /** Prefix of every environment variable: {@code --tick-ms} falls back to {@code RAFTKV_TICK_MS}. */
    public static final String ENV_PREFIX = "RAFTKV_";

    private final String option;
    private final String valueName;
    private final String defaultValue;
    private final String defaultText;
    private final String help;

    /**
     * @param defaultSpec a value the parser reads like a typed one ("100"), or, in parentheses, a
     *                    description of a default that is derived or absent ("(required)")
     */
    NodeFlag(String option, String valueName, String defaultSpec, String help) {
        this.option = option;
        this.valueName = valueName;
        boolean described = defaultSpec.startsWith("(");
        this.defaultValue = described ? null : defaultSpec;
        this.defaultText = described ? defaultSpec.substring(1, defaultSpec.length() - 1) : defaultSpec;
        this.help = help;
    }

    /** The flag as typed, {@code --tick-ms}. */
    public String option() {
        return option;
    }

    /** The environment variable read when the flag is absent, {@code RAFTKV_TICK_MS}. */
    public String env() {
        return ENV_PREFIX + option.substring(2).replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** False for a switch such as {@code --join}, which takes no value. */
    public boolean takesValue() {
        return valueName != null;
    }

    /** What the help text shows as the value, {@code MS}; null for a switch. */
    public String valueName() {
        return valueName;
    }

    /** The value used when neither flag nor environment variable is set, or null (required or derived). */
    public String defaultValue() {
        return defaultValue;
    }

    /** The default as shown in {@code --help}: the value, "required", or how it is derived. */
    public String defaultText() {
        return defaultText;
    }

    public String help() {
        return help;
    }

    /** The flag whose option is {@code option} ({@code --tick-ms}), or null. */
    public static NodeFlag byOption(String option) {
        for (NodeFlag flag : values()) {
            if (flag.option.equals(option)) {
                return flag;
            }
        }
        return null;
    }
}
