package io.raftkv.client.cli;

import io.raftkv.client.EndpointStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * Whether one endpoint is healthy: it answered its status, knows a leader and reports no
 * problems.
 *
 * @param error why it is unhealthy; empty when healthy
 */
record Health(String endpoint, boolean healthy, Duration took, String error) {
  Health {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(took, "took");
    Objects.requireNonNull(error, "error");
  }

  static Health of(EndpointStatus status) {
    return switch (status) {
      case EndpointStatus.Reachable reachable -> {
        if (reachable.status().leader() == 0) {
          yield new Health(status.endpoint(), false, status.latency(), "no leader");
        }
        if (!reachable.status().errors().isEmpty()) {
          yield new Health(status.endpoint(), false, status.latency(), String.join("; ", reachable.status().errors()));
        }
        yield new Health(status.endpoint(), true, status.latency(), "");
      }
      case EndpointStatus.Unreachable unreachable ->
          new Health(status.endpoint(), false, status.latency(), ErrorMessages.oneLine(unreachable.error()));
    };
  }
}
