package io.raftkv.client.cli;

import io.raftkv.client.EndpointStatus;
import io.raftkv.client.RaftKvClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kvctl endpoint status|health}: asks every endpoint given in --endpoints. */
@Command(
    name = "endpoint",
    mixinStandardHelpOptions = true,
    description = "Status and health of each endpoint.",
    subcommands = {EndpointCommand.Status.class, EndpointCommand.HealthCheck.class})
final class EndpointCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: status or health");
  }

  private static List<EndpointStatus> statusAll(Kvctl kvctl) {
    try (RaftKvClient client = kvctl.connect()) {
      return client.maintenance().sync().statusAll();
    }
  }

  /** Exit 1 if any endpoint did not answer; the others are still printed. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Prints each endpoint's id, role, term, commit, applied, leader and db size.")
  static final class Status implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      List<EndpointStatus.Reachable> reachable = new ArrayList<>();
      List<EndpointStatus.Unreachable> unreachable = new ArrayList<>();
      for (EndpointStatus status : statusAll(kvctl)) {
        switch (status) {
          case EndpointStatus.Reachable answer -> reachable.add(answer);
          case EndpointStatus.Unreachable failure -> unreachable.add(failure);
        }
      }
      if (!reachable.isEmpty() || kvctl.format() == OutputFormat.JSON) {
        printer.status(reachable);
      }
      for (EndpointStatus.Unreachable failure : unreachable) {
        kvctl.err().println("Error: " + failure.endpoint() + ": " + ErrorMessages.oneLine(failure.error()));
      }
      return unreachable.isEmpty() ? 0 : 1;
    }
  }

  /** Healthy: answers, knows a leader, reports no problems. Exit 1 if any endpoint is unhealthy. */
  @Command(name = "health", mixinStandardHelpOptions = true, description = "Checks that each endpoint is healthy.")
  static final class HealthCheck implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      List<Health> all = statusAll(kvctl).stream().map(Health::of).toList();
      printer.health(all);
      List<Health> unhealthy = all.stream().filter(health -> !health.healthy()).toList();
      if (kvctl.format() == OutputFormat.SIMPLE) {
        for (Health health : unhealthy) {
          kvctl.err().println(health.endpoint() + " is unhealthy: " + health.error());
        }
      }
      if (!unhealthy.isEmpty()) {
        kvctl.err().println("Error: unhealthy cluster");
        return 1;
      }
      return 0;
    }
  }
}
