package io.raftkv.client;

import java.time.Duration;
import java.util.Objects;

/** What asking one endpoint for its status gave: an answer or an error, with the time taken. */
public sealed interface EndpointStatus {
  String endpoint();

  Duration latency();

  /** The endpoint answered. */
  record Reachable(String endpoint, StatusResult status, Duration latency) implements EndpointStatus {
    public Reachable {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(latency, "latency");
    }
  }

  /** The endpoint did not answer, or answered with an error. */
  record Unreachable(String endpoint, RaftKvException error, Duration latency) implements EndpointStatus {
    public Unreachable {
      Objects.requireNonNull(endpoint, "endpoint");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(latency, "latency");
    }
  }
}
