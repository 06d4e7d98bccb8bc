package io.raftkv.client;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;

/**
 * Makes the channel builder for one endpoint; the client then sets its own executor and limits.
 * Replace it to add TLS or, in tests, to use in-process channels.
 */
@FunctionalInterface
public interface ChannelFactory {
  ManagedChannelBuilder<?> newBuilder(String endpoint);

  /**
   * Plaintext TCP through the gRPC transport on the classpath (grpc-netty-shaded). Keepalive
   * pings every 30 s (5 s to answer) find a member that vanished behind a partition without
   * closing the connection, so the client stops waiting on it; the server must permit pings this
   * often ({@code permitKeepAliveTime} at most 30 s).
   */
  static ChannelFactory plaintext() {
    return endpoint -> Grpc.newChannelBuilder(endpoint, InsecureChannelCredentials.create())
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(5, TimeUnit.SECONDS);
  }
}
