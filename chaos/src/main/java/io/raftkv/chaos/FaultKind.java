package io.raftkv.chaos;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/** The kinds of fault the nemesis injects; {@code --faults} names them. */
enum FaultKind {
    KILL("kill -9 a node (the leader half the time), restart it on the same data"),
    PAUSE("SIGSTOP a random node, SIGCONT it later"),
    PAUSE_LEADER("SIGSTOP the leader while clients keep reading from it (etcd-io/etcd#20418), SIGCONT it later"),
    PARTITION("iptables partition: the leader alone, or a random majority/minority split"),
    BRIDGE("iptables partition into two halves that only a bridge node connects"),
    ONEWAY("one-way iptables drops: the leader hears nobody, or nobody hears it"),
    LOSS("random packet loss on peer traffic (iptables statistic), on one or every node"),
    SLOW("slow peer links: a delaying TCP proxy on one node's peer connections, or a tc tbf rate limit"),
    MEMBERSHIP("remove a follower (MemberRemove), re-add it as a new member with fresh data (MemberAdd, --join, "
            + "MemberPromote)"),
    TRANSFER("leader transfer (TransferLeader) to a random follower"),
    FAILPOINT("restart a node with a server failpoint armed (crash or stall around log append, apply, snapshot), "
            + "then restart it clean");

    private final String description;

    FaultKind(String description) {
        this.description = description;
    }

    /** The name on the command line and in reports: {@code pause-leader}. */
    String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    String description() {
        return description;
    }

    static FaultKind byName(String name) {
        for (FaultKind kind : values()) {
            if (kind.cliName().equals(name)) {
                return kind;
            }
        }
        return null;
    }

    static String names(Set<FaultKind> kinds) {
        StringJoiner joiner = new StringJoiner(",");
        kinds.forEach(kind -> joiner.add(kind.cliName()));
        return joiner.toString();
    }

    static Set<FaultKind> all() {
        return EnumSet.allOf(FaultKind.class);
    }
}
