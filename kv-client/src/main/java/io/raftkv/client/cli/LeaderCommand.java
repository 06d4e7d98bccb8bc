package io.raftkv.client.cli;

import io.raftkv.client.RaftKvClient;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kvctl leader transfer ID}. */
@Command(
    name = "leader",
    mixinStandardHelpOptions = true,
    description = "Leadership.",
    subcommands = {LeaderCommand.Transfer.class})
final class LeaderCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: transfer");
  }

  @Command(
      name = "transfer",
      mixinStandardHelpOptions = true,
      description = "Hands leadership to a caught-up voter; returns once it leads or the transfer failed.")
  static final class Transfer implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", converter = MemberIdConverter.class)
    private long id;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      try (RaftKvClient client = kvctl.connect()) {
        client.maintenance().sync().transferLeader(id);
        printer.leaderTransferred(id);
      }
      return 0;
    }
  }
}
