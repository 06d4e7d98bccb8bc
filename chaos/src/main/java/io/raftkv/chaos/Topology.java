package io.raftkv.chaos;

/**
 * Names and addresses of everything a run creates, in one place, so that the run, the preflight
 * checks and {@code --cleanup} agree. Node slot {@code i} (1..5) lives in network namespace
 * {@code raftkv77-n<i>} at 10.77.0.i/24, linked to bridge {@value #BRIDGE} by the veth pair
 * {@code veth-rkv77-<i>} (host end) / {@code eth0} (namespace end). The harness itself sits on the
 * bridge at {@value #HOST_ADDRESS}. Nothing is ever addressed outside 10.77.0.0/24.
 */
final class Topology {
    static final String BRIDGE = "br-raftkv77";
    static final String NAMESPACE_PREFIX = "raftkv77-n";
    static final String VETH_PREFIX = "veth-rkv77-";
    static final String SUBNET = "10.77.0.0/24";
    static final String ADDRESS_PREFIX = "10.77.0.";
    static final String HOST_ADDRESS = ADDRESS_PREFIX + "254";
    static final int PREFIX_LENGTH = 24;
    static final int CLIENT_PORT = 2379;
    static final int PEER_PORT = 2380;
    static final int METRICS_PORT = 2381;
    /** Delay proxy for slot i's connections to slot j listens on HOST_ADDRESS:(base + 10 i + j). */
    static final int PROXY_PORT_BASE = 23800;
    /** Tag on the iptables rules the harness adds in the root namespace, so cleanup finds exactly those. */
    static final String RULE_COMMENT = "raftkv-chaos";
    static final int SLOTS_MAX = 5;

    private Topology() {}

    static String namespace(int slot) {
        checkSlot(slot);
        return NAMESPACE_PREFIX + slot;
    }

    static String veth(int slot) {
        checkSlot(slot);
        return VETH_PREFIX + slot;
    }

    static String address(int slot) {
        checkSlot(slot);
        return ADDRESS_PREFIX + slot;
    }

    static String clientAddress(int slot) {
        return address(slot) + ":" + CLIENT_PORT;
    }

    static String peerAddress(int slot) {
        return address(slot) + ":" + PEER_PORT;
    }

    static int proxyPort(int fromSlot, int toSlot) {
        checkSlot(fromSlot);
        checkSlot(toSlot);
        return PROXY_PORT_BASE + 10 * fromSlot + toSlot;
    }

    /** The slot of a {@code 10.77.0.i:port} address, or 0 when it is not one of ours. */
    static int slotOf(String hostPort) {
        if (hostPort == null || !hostPort.startsWith(ADDRESS_PREFIX)) {
            return 0;
        }
        int colon = hostPort.indexOf(':');
        String last = hostPort.substring(ADDRESS_PREFIX.length(), colon < 0 ? hostPort.length() : colon);
        try {
            int slot = Integer.parseInt(last);
            return slot >= 1 && slot <= SLOTS_MAX ? slot : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void checkSlot(int slot) {
        if (slot < 1 || slot > SLOTS_MAX) {
            throw new IllegalArgumentException("slot " + slot + " is not in 1.." + SLOTS_MAX);
        }
    }
}
