package io.raftkv.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Everything a node is started with, from its command line and environment (see
 * {@link NodeConfigParser}; each component's flag is in {@link NodeFlag}). Validated when built:
 * a bad value throws {@link InvalidConfigException} naming the flag, the value and the rule.
 * Immutable.
 *
 * @param nodeId                 {@code --node-id}, > 0, a key of {@code peers}
 * @param clusterId              {@code --cluster-id}, > 0
 * @param peers                  {@code --peers}: peer address of each member of the initial cluster, by id
 * @param clients                {@code --clients}: client address of each member, same ids as {@code peers}
 * @param clientListen           {@code --client-listen}: the client API's bind address
 * @param peerListen             {@code --peer-listen}: the peer service's bind address
 * @param metricsListen          {@code --metrics-listen}: the HTTP endpoints' bind address
 * @param dataDir                {@code --data-dir}
 * @param join                   {@code --join}: start empty and wait for the leader's snapshot
 * @param tickMillis             {@code --tick-ms}
 * @param electionTicks          {@code --election-ticks}, > heartbeatTicks
 * @param heartbeatTicks         {@code --heartbeat-ticks}
 * @param keyBytesMax            {@code --max-key-bytes}
 * @param valueBytesMax          {@code --max-value-bytes}
 * @param txnOpsMax              {@code --max-txn-ops}
 * @param responseBytesMax       {@code --max-response-bytes}, >= keyBytesMax + valueBytesMax
 * @param proposalQueueCapacity  {@code --proposal-queue}
 * @param inboundQueueCapacity   {@code --inbound-queue}
 * @param applyQueueCapacity     {@code --apply-queue}, in batches
 * @param readQueueCapacity      {@code --read-queue}
 * @param snapshotEntries        {@code --snapshot-entries}
 * @param snapshotRetainEntries  {@code --snapshot-retain-entries}
 * @param sessionTtlMillis       {@code --session-ttl-ms}, > requestTimeoutMillis
 * @param diskReserveBytes       {@code --disk-reserve-bytes}
 * @param requestTimeoutMillis   {@code --request-timeout-ms}
 * @param failpoints             {@code --failpoints}: action by failpoint name; empty in production.
 *                               Parsed here, interpreted by the code that has the failpoints.
 * @param unsafeBrokenReads      {@code --unsafe-broken-reads}: DELIBERATELY BROKEN, test only; Range skips
 *                               ReadIndex and may return stale values (the chaos harness's self-test)
 */
public record NodeConfig(long nodeId, long clusterId, SortedMap<Long, HostPort> peers, SortedMap<Long, HostPort> clients,
                         HostPort clientListen, HostPort peerListen, HostPort metricsListen, Path dataDir, boolean join,
                         int tickMillis, int electionTicks, int heartbeatTicks,
                         int keyBytesMax, int valueBytesMax, int txnOpsMax, int responseBytesMax,
                         int proposalQueueCapacity, int inboundQueueCapacity, int applyQueueCapacity,
                         int readQueueCapacity, long snapshotEntries, long snapshotRetainEntries,
                         long sessionTtlMillis, long diskReserveBytes, long requestTimeoutMillis,
                         SortedMap<String, String> failpoints, boolean unsafeBrokenReads) {

    /** The client port a single-node cluster advertises when {@code --clients} is not given (etcd's). */
    public static final int CLIENT_PORT_DEFAULT = 2379;

    // Upper bounds. Not tuning advice: they catch a typo (an extra zero or two) before it turns
    // into a node that allocates gigabytes or never elects a leader.
    static final int MEMBERS_MAX = 64;
    static final int TICK_MILLIS_MAX = 60_000;
    static final int TICKS_MAX = 10_000;
    static final int KEY_BYTES_MAX = 1 << 20;
    /** Large entries starve heartbeats (etcd #13913): 64 MiB is far past any sensible value size. */
    static final int VALUE_BYTES_MAX = 64 << 20;
    static final int TXN_OPS_MAX = 100_000;
    static final int RESPONSE_BYTES_MAX = 512 << 20;
    static final int QUEUE_CAPACITY_MAX = 1 << 20;
    static final long TIMEOUT_MILLIS_MAX = 3_600_000L;

    private static final Pattern FAILPOINT_NAME = Pattern.compile("[A-Za-z0-9_./-]{1,128}");

    public NodeConfig {
        check(nodeId > 0, NodeFlag.NODE_ID, "%d must be > 0", nodeId);
        check(clusterId > 0, NodeFlag.CLUSTER_ID, "%d must be > 0", clusterId);
        peers = checkMembers(NodeFlag.PEERS, peers, nodeId);
        clients = checkMembers(NodeFlag.CLIENTS, clients, nodeId);
        check(clients.keySet().equals(peers.keySet()), NodeFlag.CLIENTS,
                "has ids %s but --peers has ids %s; give every member's client address", clients.keySet(), peers.keySet());
        check(!join || peers.size() > 1, NodeFlag.JOIN,
                "a joining node needs the existing members in --peers, but --peers lists only this node");
        checkListeners(clientListen, peerListen, metricsListen);
        check(dataDir != null && !dataDir.toString().isBlank(), NodeFlag.DATA_DIR, "is required");

        checkRange(tickMillis, 1, TICK_MILLIS_MAX, NodeFlag.TICK_MS);
        checkRange(heartbeatTicks, 1, TICKS_MAX, NodeFlag.HEARTBEAT_TICKS);
        checkRange(electionTicks, 2, TICKS_MAX, NodeFlag.ELECTION_TICKS);
        check(electionTicks > heartbeatTicks, NodeFlag.ELECTION_TICKS,
                "%d must be > --heartbeat-ticks (%d), or followers campaign between heartbeats", electionTicks, heartbeatTicks);

        checkRange(keyBytesMax, 1, KEY_BYTES_MAX, NodeFlag.MAX_KEY_BYTES);
        checkRange(valueBytesMax, 1, VALUE_BYTES_MAX, NodeFlag.MAX_VALUE_BYTES);
        checkRange(txnOpsMax, 1, TXN_OPS_MAX, NodeFlag.MAX_TXN_OPS);
        checkRange(responseBytesMax, 1, RESPONSE_BYTES_MAX, NodeFlag.MAX_RESPONSE_BYTES);
        long pairBytesMax = (long) keyBytesMax + valueBytesMax;
        check(responseBytesMax >= pairBytesMax, NodeFlag.MAX_RESPONSE_BYTES,
                "%d must be >= --max-key-bytes + --max-value-bytes (%d), so the largest pair fits in one answer",
                responseBytesMax, pairBytesMax);

        checkRange(proposalQueueCapacity, 1, QUEUE_CAPACITY_MAX, NodeFlag.PROPOSAL_QUEUE);
        checkRange(inboundQueueCapacity, 1, QUEUE_CAPACITY_MAX, NodeFlag.INBOUND_QUEUE);
        checkRange(applyQueueCapacity, 1, QUEUE_CAPACITY_MAX, NodeFlag.APPLY_QUEUE);
        checkRange(readQueueCapacity, 1, QUEUE_CAPACITY_MAX, NodeFlag.READ_QUEUE);

        checkRange(snapshotEntries, 1, Long.MAX_VALUE, NodeFlag.SNAPSHOT_ENTRIES);
        checkRange(snapshotRetainEntries, 0, Long.MAX_VALUE, NodeFlag.SNAPSHOT_RETAIN_ENTRIES);
        checkRange(requestTimeoutMillis, 1, TIMEOUT_MILLIS_MAX, NodeFlag.REQUEST_TIMEOUT_MS);
        checkRange(sessionTtlMillis, 1, Long.MAX_VALUE, NodeFlag.SESSION_TTL_MS);
        // A client retries a write until its deadline; if the node forgot the request id sooner, the
        // retry would be applied a second time (thesis 6.3).
        check(sessionTtlMillis > requestTimeoutMillis, NodeFlag.SESSION_TTL_MS,
                "%d must be > --request-timeout-ms (%d), or a retried write could be applied twice",
                sessionTtlMillis, requestTimeoutMillis);
        checkRange(diskReserveBytes, 0, Long.MAX_VALUE, NodeFlag.DISK_RESERVE_BYTES);

        failpoints = checkFailpoints(failpoints);
    }

    /** Everything but {@code unsafeBrokenReads}, which is then off (the safe, normal node). */
    public NodeConfig(long nodeId, long clusterId, SortedMap<Long, HostPort> peers, SortedMap<Long, HostPort> clients,
                      HostPort clientListen, HostPort peerListen, HostPort metricsListen, Path dataDir, boolean join,
                      int tickMillis, int electionTicks, int heartbeatTicks,
                      int keyBytesMax, int valueBytesMax, int txnOpsMax, int responseBytesMax,
                      int proposalQueueCapacity, int inboundQueueCapacity, int applyQueueCapacity,
                      int readQueueCapacity, long snapshotEntries, long snapshotRetainEntries,
                      long sessionTtlMillis, long diskReserveBytes, long requestTimeoutMillis,
                      SortedMap<String, String> failpoints) {
        this(nodeId, clusterId, peers, clients, clientListen, peerListen, metricsListen, dataDir, join, tickMillis,
                electionTicks, heartbeatTicks, keyBytesMax, valueBytesMax, txnOpsMax, responseBytesMax,
                proposalQueueCapacity, inboundQueueCapacity, applyQueueCapacity, readQueueCapacity, snapshotEntries,
                snapshotRetainEntries, sessionTtlMillis, diskReserveBytes, requestTimeoutMillis, failpoints, false);
    }

    /** This node's advertised peer address (its {@code --peers} entry). */
    public HostPort peerAddress() {
        return peers.get(nodeId);
    }

    /** This node's advertised client address (its {@code --clients} entry). */
    public HostPort clientAddress() {
        return clients.get(nodeId);
    }

    /** {@code --tick-ms} as a duration. */
    public Duration tick() {
        return Duration.ofMillis(tickMillis);
    }

    /** The shortest election timeout: {@code electionTicks} ticks (raft-core randomizes up to twice that). */
    public Duration electionTimeout() {
        return Duration.ofMillis((long) tickMillis * electionTicks);
    }

    public Duration requestTimeout() {
        return Duration.ofMillis(requestTimeoutMillis);
    }

    public Duration sessionTtl() {
        return Duration.ofMillis(sessionTtlMillis);
    }

    /**
     * One line for the startup log: {@code node=1 cluster=1 peers=1=a:2380,2=b:2380 ...}. Lists every
     * setting, so a log shows what the node ran with.
     */
    public String describe() {
        return "node=" + nodeId + " cluster=" + clusterId + " peers=" + NodeConfigParser.formatMembers(peers)
                + " clients=" + NodeConfigParser.formatMembers(clients) + " client-listen=" + clientListen
                + " peer-listen=" + peerListen + " metrics-listen=" + metricsListen + " data-dir=" + dataDir
                + " join=" + join + " tick-ms=" + tickMillis + " election-ticks=" + electionTicks
                + " heartbeat-ticks=" + heartbeatTicks + " max-key-bytes=" + keyBytesMax
                + " max-value-bytes=" + valueBytesMax + " max-txn-ops=" + txnOpsMax
                + " max-response-bytes=" + responseBytesMax + " proposal-queue=" + proposalQueueCapacity
                + " inbound-queue=" + inboundQueueCapacity + " apply-queue=" + applyQueueCapacity
                + " read-queue=" + readQueueCapacity + " snapshot-entries=" + snapshotEntries
                + " snapshot-retain-entries=" + snapshotRetainEntries + " session-ttl-ms=" + sessionTtlMillis
                + " disk-reserve-bytes=" + diskReserveBytes + " request-timeout-ms=" + requestTimeoutMillis
                + (failpoints.isEmpty() ? "" : " failpoints=" + NodeConfigParser.formatFailpoints(failpoints))
                + " unsafe-broken-reads=" + unsafeBrokenReads;
    }

    private static SortedMap<Long, HostPort> checkMembers(NodeFlag flag, Map<Long, HostPort> members, long nodeId) {
        check(members != null && !members.isEmpty(), flag, "is required");
        check(members.size() <= MEMBERS_MAX, flag, "lists %d members; at most %d", members.size(), MEMBERS_MAX);
        SortedMap<Long, HostPort> sorted = new TreeMap<>(members);
        Map<HostPort, Long> idByAddress = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
        for (Map.Entry<Long, HostPort> member : sorted.entrySet()) {
            long id = member.getKey();
            HostPort address = member.getValue();
            check(id > 0, flag, "id %d must be > 0", id);
            check(address != null, flag, "member %d has no address", id);
            check(address.port() > 0, flag, "%d=%s needs a port in 1..65535", id, address);
            check(!address.isWildcard(), flag, "%d=%s: %s means every interface and cannot be dialled; "
                    + "give the address others reach this member at", id, address, address.host());
            Long other = idByAddress.putIfAbsent(address, id);
            check(other == null, flag, "members %d and %d have the same address %s", other, id, address);
        }
        check(sorted.containsKey(nodeId), flag, "must include this node (--node-id %d), got ids %s", nodeId, sorted.keySet());
        return Collections.unmodifiableSortedMap(sorted);
    }

    private static void checkListeners(HostPort client, HostPort peer, HostPort metrics) {
        check(client != null, NodeFlag.CLIENT_LISTEN, "is required");
        check(peer != null, NodeFlag.PEER_LISTEN, "is required");
        check(metrics != null, NodeFlag.METRICS_LISTEN, "is required");
        checkDistinct(NodeFlag.PEER_LISTEN, peer, NodeFlag.CLIENT_LISTEN, client);
        checkDistinct(NodeFlag.METRICS_LISTEN, metrics, NodeFlag.CLIENT_LISTEN, client);
        checkDistinct(NodeFlag.METRICS_LISTEN, metrics, NodeFlag.PEER_LISTEN, peer);
    }

    /** Two listeners cannot bind the same port on overlapping interfaces; say so before either binds. */
    private static void checkDistinct(NodeFlag flag, HostPort address, NodeFlag otherFlag, HostPort other) {
        boolean overlap = address.host().equals(other.host()) || address.isWildcard() || other.isWildcard();
        check(address.port() == 0 || address.port() != other.port() || !overlap, flag,
                "%s uses the same port as %s (%s)", address, otherFlag.option(), other);
    }

    private static SortedMap<String, String> checkFailpoints(Map<String, String> failpoints) {
        check(failpoints != null, NodeFlag.FAILPOINTS, "must not be null (use an empty map)");
        for (Map.Entry<String, String> failpoint : failpoints.entrySet()) {
            check(FAILPOINT_NAME.matcher(failpoint.getKey()).matches(), NodeFlag.FAILPOINTS,
                    "name '%s' must be 1 to 128 of A-Z a-z 0-9 _ . / -", failpoint.getKey());
            String action = failpoint.getValue();
            check(!action.isBlank() && action.indexOf(',') < 0 && action.strip().equals(action), NodeFlag.FAILPOINTS,
                    "action '%s' of %s must be non-empty, without commas or surrounding spaces", action, failpoint.getKey());
        }
        return Collections.unmodifiableSortedMap(new TreeMap<>(failpoints));
    }

    private static void checkRange(long value, long min, long max, NodeFlag flag) {
        if (max == Long.MAX_VALUE) {
            check(value >= min, flag, "%d must be >= %d", value, min);
        } else {
            check(value >= min && value <= max, flag, "%d must be in %d..%d", value, min, max);
        }
    }

    private static void check(boolean ok, NodeFlag flag, String format, Object... args) {
        if (!ok) {
            throw new InvalidConfigException(flag, String.format(format, args));
        }
    }
}
