package io.raftkv.server.peer;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/**
 * Opens the gRPC channel to a peer's address. The transport owns and shuts down every channel it
 * opens. Tests and the in-process cluster pass their own factory.
 */
@FunctionalInterface
public interface PeerChannelFactory {
    ManagedChannel open(String address);

    /**
     * Plaintext channels to {@code host:port}, for a private cluster network. Each setting is explicit:
     * <ul>
     *   <li>keepalive pings (with keepAliveWithoutCalls) find a dead peer or a half-open TCP
     *       connection on a long-lived stream that has no deadline; the peer server must permit
     *       them ({@link PeerService#applyServerLimits}) or it answers with GOAWAY too_many_pings;
     *   <li>retries are disabled: for a client stream gRPC would otherwise keep every sent message
     *       in a replay buffer (up to 16 MiB per call), memory we do not budget, and Raft retries anyway;
     *   <li>directExecutor: the transport's callbacks only flip a flag and signal a condition, so
     *       running them on the network thread is cheaper than handing them to an executor;
     *   <li>inbound responses are acks of a few bytes, hence the 1 MiB cap.
     * </ul>
     */
    static PeerChannelFactory plaintext(PeerConfig config) {
        return address -> Grpc.newChannelBuilder(address, InsecureChannelCredentials.create())
                .keepAliveTime(config.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(config.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveWithoutCalls(true)
                .disableRetry()
                .directExecutor()
                .maxInboundMessageSize(1 << 20)
                .build();
    }
}
