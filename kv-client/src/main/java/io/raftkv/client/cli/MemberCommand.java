package io.raftkv.client.cli;

import io.raftkv.client.Member;
import io.raftkv.client.MemberAddResult;
import io.raftkv.client.RaftKvClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kvctl member list|add|promote|remove}. */
@Command(
    name = "member",
    mixinStandardHelpOptions = true,
    description = "Membership: list, add (as a learner), promote, remove.",
    subcommands = {
      MemberCommand.ListMembers.class,
      MemberCommand.Add.class,
      MemberCommand.Promote.class,
      MemberCommand.Remove.class
    })
final class MemberCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Override
  public Integer call() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: list, add, promote or remove");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the members.")
  static final class ListMembers implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      try (RaftKvClient client = kvctl.connect()) {
        printer.members(client.cluster().sync().memberList());
      }
      return 0;
    }
  }

  @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a member as a learner.")
  static final class Add implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PEER_URL", description = "Address peers dial (host:port).")
    private String peerUrl;

    @Option(names = "--client-url", required = true, paramLabel = "URL", description = "Address clients dial (host:port).")
    private String clientUrl;

    @Option(names = "--name", defaultValue = "", paramLabel = "NAME", description = "Human-readable name.")
    private String name;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      try (RaftKvClient client = kvctl.connect()) {
        MemberAddResult result = client.cluster().sync().memberAdd(peerUrl, clientUrl, name);
        printer.memberAdded(result);
      }
      return 0;
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true, description = "Promotes a caught-up learner to voter.")
  static final class Promote implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", converter = MemberIdConverter.class)
    private long id;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      try (RaftKvClient client = kvctl.connect()) {
        List<Member> members = client.cluster().sync().memberPromote(id);
        printer.memberPromoted(id, members);
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes a member.")
  static final class Remove implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", converter = MemberIdConverter.class)
    private long id;

    @Override
    public Integer call() {
      Kvctl kvctl = Kvctl.of(spec);
      ResultPrinter printer = kvctl.printer();
      try (RaftKvClient client = kvctl.connect()) {
        List<Member> members = client.cluster().sync().memberRemove(id);
        printer.memberRemoved(id, members);
      }
      return 0;
    }
  }
}
