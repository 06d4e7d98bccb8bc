package io.raftkv.server.peer;

import io.raftkv.raft.ConfState;
import io.raftkv.raft.Entry;
import io.raftkv.raft.EntryType;
import io.raftkv.raft.Message;
import io.raftkv.raft.Snapshot;
import io.raftkv.raft.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/** Builds valid messages of every kind with random fields, edge values included, from a seeded source. */
final class RandomMessages {
    private final RandomGenerator random;

    RandomMessages(RandomGenerator random) {
        this.random = random;
    }

    /** Every kind of {@link Message}, by record class, so a test can check none is forgotten. */
    List<Class<? extends Message>> kinds() {
        return List.of(Message.AppendEntries.class, Message.AppendResponse.class, Message.RequestVote.class,
                Message.VoteResponse.class, Message.Heartbeat.class, Message.HeartbeatResponse.class,
                Message.InstallSnapshot.class, Message.TimeoutNow.class, Message.ReadIndexRequest.class,
                Message.ReadIndexResponse.class);
    }

    Message of(Class<? extends Message> kind) {
        long from = id();
        long to = id();
        long term = number();
        if (kind == Message.AppendEntries.class) {
            long prev = random.nextLong(Long.MAX_VALUE - 16);
            List<Entry> entries = new ArrayList<>();
            int count = random.nextInt(6);
            for (int i = 0; i < count; i++) {
                entries.add(new Entry(prev + 1 + i, 1 + random.nextLong(Long.MAX_VALUE - 1),
                        random.nextBoolean() ? EntryType.NORMAL : EntryType.CONF_CHANGE, bytes(64)));
            }
            return new Message.AppendEntries(from, to, term, prev, number(), entries, number());
        } else if (kind == Message.AppendResponse.class) {
            return new Message.AppendResponse(from, to, term, number(), random.nextBoolean(), number(), number());
        } else if (kind == Message.RequestVote.class) {
            return new Message.RequestVote(from, to, term, number(), number(), random.nextBoolean(), random.nextBoolean());
        } else if (kind == Message.VoteResponse.class) {
            return new Message.VoteResponse(from, to, term, random.nextBoolean(), random.nextBoolean());
        } else if (kind == Message.Heartbeat.class) {
            return new Message.Heartbeat(from, to, term, number(), number());
        } else if (kind == Message.HeartbeatResponse.class) {
            return new Message.HeartbeatResponse(from, to, term, number());
        } else if (kind == Message.InstallSnapshot.class) {
            SnapshotMetadata metadata = new SnapshotMetadata(1 + random.nextLong(Long.MAX_VALUE - 1),
                    1 + random.nextLong(Long.MAX_VALUE - 1), confState());
            return new Message.InstallSnapshot(from, to, term, new Snapshot(metadata, bytes(40)));
        } else if (kind == Message.TimeoutNow.class) {
            return new Message.TimeoutNow(from, to, term);
        } else if (kind == Message.ReadIndexRequest.class) {
            return new Message.ReadIndexRequest(from, to, term, number());
        } else if (kind == Message.ReadIndexResponse.class) {
            return new Message.ReadIndexResponse(from, to, term, number(), number());
        }
        throw new IllegalArgumentException("no generator for " + kind);
    }

    /** Voters, learners and outgoing voters drawn disjointly where ConfState requires it. */
    ConfState confState() {
        Set<Long> voters = ids(5);
        Set<Long> outgoing = random.nextBoolean() ? ids(5) : Set.of();
        Set<Long> learners = new TreeSet<>(ids(3));
        learners.removeAll(voters);
        learners.removeAll(outgoing);
        Set<Long> learnersNext = outgoing.isEmpty() ? Set.of() : ids(2);
        boolean autoLeave = !outgoing.isEmpty() && random.nextBoolean();
        return new ConfState(voters, learners, outgoing, learnersNext, autoLeave);
    }

    private Set<Long> ids(int max) {
        Set<Long> ids = new TreeSet<>();
        int count = random.nextInt(max + 1);
        for (int i = 0; i < count; i++) {
            ids.add(random.nextInt(4) == 0 ? Long.MAX_VALUE - random.nextInt(3) : 1 + random.nextLong(20));
        }
        return ids;
    }

    /** A node id: small usually, the largest uint64 that fits in a long sometimes. */
    private long id() {
        return switch (random.nextInt(4)) {
            case 0 -> Long.MAX_VALUE;
            case 1 -> 1;
            default -> 1 + random.nextLong(Long.MAX_VALUE - 1);
        };
    }

    /** An index, term or context: 0, the maximum, or anything between. */
    private long number() {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            default -> random.nextLong(Long.MAX_VALUE);
        };
    }

    private byte[] bytes(int max) {
        byte[] out = new byte[random.nextInt(max + 1)];
        random.nextBytes(out);
        return out;
    }
}
