package io.raftkv.server.peer;

import io.grpc.ServerBuilder;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.raft.BatchAck;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftPeerGrpc;
import io.raftkv.proto.raft.SnapshotAck;
import io.raftkv.proto.raft.SnapshotChunk;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The inbound side of the peer protocol: RaftPeer.Send streams become messages offered to the
 * raft loop ({@link InboundStream}); RaftPeer.InstallSnapshot streams become snapshot directories
 * plus one InstallSnapshot message ({@link SnapshotReceiver}).
 *
 * <p>Server setup, done by the node with {@link #applyServerLimits}:
 * <ul>
 *   <li>maxInboundMessageSize = {@link PeerConfig#inboundMessageBytesMax} (default 16 MiB, gRPC's
 *       own default is 4 MiB). It must exceed the senders' batchBytesMax and snapshotChunkBytes
 *       (PeerConfig checks both, with 64 KiB for the envelope): a batch over the limit fails the
 *       whole stream with RESOURCE_EXHAUSTED, and senders drop any single message that could never fit;
 *   <li>keepalive pings from peers are permitted at the rate peers send them, also without calls,
 *       else the server answers GOAWAY too_many_pings and drops the connection;
 *   <li>InstallSnapshot must run on an executor that allows blocking: snapshot chunks are written
 *       and fsynced on it. Use a bounded pool, not directExecutor. Send never blocks (it decodes
 *       and offers to the raft loop's queue), so it may run on the network thread.
 * </ul>
 *
 * <p>Thread-safe; gRPC calls it from its server threads.
 */
public final class PeerService extends RaftPeerGrpc.RaftPeerImplBase {
    private final PeerConfig config;
    private final InboundHandler inbound;
    private final PeerServiceCounters counters = new PeerServiceCounters();
    private final SnapshotReceiver snapshots;

    /** Creates snapshotsRoot if needed and deletes snapshot work directories a crash left behind. */
    public PeerService(PeerConfig config, InboundHandler inbound) throws IOException {
        this.config = config;
        this.inbound = inbound;
        this.snapshots = new SnapshotReceiver(config, inbound, counters);
    }

    /** Applies the limits this service relies on to the node's gRPC server builder (see the class comment). */
    public static ServerBuilder<?> applyServerLimits(ServerBuilder<?> builder, PeerConfig config) {
        // Half the senders' interval: pings that arrive a little early must not count as abuse.
        long permitNanos = config.keepAliveTime().toNanos() / 2;
        return builder
                .maxInboundMessageSize(config.inboundMessageBytesMax())
                .permitKeepAliveTime(permitNanos, TimeUnit.NANOSECONDS)
                .permitKeepAliveWithoutCalls(true);
    }

    public PeerServiceCounters counters() {
        return counters;
    }

    @Override
    public StreamObserver<MessageBatch> send(StreamObserver<BatchAck> responses) {
        return new InboundStream(config, inbound, counters, responses);
    }

    @Override
    public StreamObserver<SnapshotChunk> installSnapshot(StreamObserver<SnapshotAck> responses) {
        return snapshots.open(responses);
    }
}
