package io.raftkv.container;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.StatusRequest;
import io.raftkv.proto.api.StatusResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One plaintext gRPC channel per node of a cluster, by node id, with the raw generated stubs: the
 * container tests classify every outcome themselves (ok, definitely not applied, or unknown), which
 * a retrying client library would hide. Thread-safe; close it to shut the channels down.
 */
final class NodeChannels implements AutoCloseable {
    static final Metadata.Key<String> ERROR_CODE = Metadata.Key.of("raftkv-error", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<NotLeader> NOT_LEADER =
            Metadata.Key.of("raftkv-not-leader-bin", ProtoUtils.metadataMarshaller(NotLeader.getDefaultInstance()));

    private final SortedMap<Long, String> addresses;
    private final SortedMap<Long, ManagedChannel> channels = new TreeMap<>();

    /** @param addresses client address (host:port) of each node, by id */
    NodeChannels(Map<Long, String> addresses) {
        this.addresses = Collections.unmodifiableSortedMap(new TreeMap<>(addresses));
        this.addresses.forEach((id, address) -> channels.put(id, NettyChannelBuilder.forTarget(address)
                .usePlaintext()
                .build()));
    }

    SortedMap<Long, String> addresses() {
        return addresses;
    }

    KVGrpc.KVBlockingStub kv(long id, Duration deadline) {
        return KVGrpc.newBlockingStub(channel(id)).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    MaintenanceGrpc.MaintenanceBlockingStub maintenance(long id, Duration deadline) {
        return MaintenanceGrpc.newBlockingStub(channel(id)).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The node's status, or empty if it does not answer within {@code deadline}. */
    Optional<StatusResponse> status(long id, Duration deadline) {
        try {
            return Optional.of(maintenance(id, deadline).status(StatusRequest.getDefaultInstance()));
        } catch (StatusRuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Waits until every node in {@code members} answers and all agree on one leader that says it
     * leads; returns its id.
     *
     * @throws AssertionError naming each node's last answer if that does not happen within {@code timeout}
     */
    long awaitLeader(Iterable<Long> members, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<Long, String> last = new TreeMap<>();
        while (true) {
            resetBackoff();
            long agreed = -1;
            boolean agree = true;
            for (long id : members) {
                Optional<StatusResponse> status = status(id, Duration.ofSeconds(1));
                last.put(id, status.map(s -> "leader=" + s.getLeader() + " term=" + s.getRaftTerm() + " state="
                        + s.getRaftState()).orElse("no answer"));
                long leader = status.map(StatusResponse::getLeader).orElse(0L);
                if (leader == 0 || (agreed != -1 && agreed != leader)) {
                    agree = false;
                }
                agreed = leader;
            }
            if (agree && agreed > 0 && status(agreed, Duration.ofSeconds(1))
                    .map(s -> s.getRaftState().equals("leader")).orElse(false)) {
                return agreed;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no agreed leader after " + timeout.toSeconds() + " s: " + last);
            }
            sleep(Duration.ofMillis(200));
        }
    }

    /** Makes every channel reconnect now (after a node restarts or is reconnected). */
    void resetBackoff() {
        channels.values().forEach(ManagedChannel::resetConnectBackoff);
    }

    /** The {@code raftkv-error} trailer of a failed call ("NOT_LEADER", ...), or null if it has none. */
    static String errorCode(StatusRuntimeException e) {
        Metadata trailers = Status.trailersFromThrowable(e);
        return trailers == null ? null : trailers.get(ERROR_CODE);
    }

    /** The leader a NOT_LEADER or NO_LEADER answer names, 0 if none. */
    static long leaderHint(StatusRuntimeException e) {
        Metadata trailers = Status.trailersFromThrowable(e);
        NotLeader notLeader = trailers == null ? null : trailers.get(NOT_LEADER);
        return notLeader == null ? 0 : notLeader.getLeaderId();
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private ManagedChannel channel(long id) {
        ManagedChannel channel = channels.get(id);
        if (channel == null) {
            throw new IllegalArgumentException("no node " + id + " among " + addresses.keySet());
        }
        return channel;
    }

    @Override
    public void close() {
        for (ManagedChannel channel : channels.values()) {
            channel.shutdownNow();
        }
        try {
            for (ManagedChannel channel : channels.values()) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
