package io.raftkv.client.cli;

import io.raftkv.client.ChannelFactory;
import io.raftkv.client.Durations;
import io.raftkv.client.Endpoints;
import io.raftkv.client.RaftKvClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * kvctl, raftkv's command line, modelled on etcdctl: {@code kvctl put k v}, {@code kvctl get k},
 * {@code kvctl endpoint status -w table}, {@code kvctl bench --op put}.
 *
 * <p>Exit status: 0 success; 1 an error from the server or the connection (one line on stderr,
 * never a stack trace); 2 a usage error. The global options may come before or after the
 * subcommand.
 *
 * <p>One instance runs one command line; not thread-safe.
 */
@Command(
    name = "kvctl",
    mixinStandardHelpOptions = true,
    version = "kvctl 0.1.0",
    description = "Command line client for a raftkv cluster.",
    subcommands = {
      PutCommand.class,
      GetCommand.class,
      DelCommand.class,
      TxnCommand.class,
      MemberCommand.class,
      EndpointCommand.class,
      LeaderCommand.class,
      BenchCommand.class
    })
public final class Kvctl implements Callable<Integer> {
  /** Held so the setting is not lost: java.util.logging keeps loggers only weakly. */
  private static final Logger GRPC_LOGGER = Logger.getLogger("io.grpc");

  @Option(
      names = "--endpoints",
      split = ",",
      paramLabel = "HOST:PORT",
      scope = ScopeType.INHERIT,
      defaultValue = "${env:" + Endpoints.ENVIRONMENT_VARIABLE + ":-" + Endpoints.LOCAL_CLUSTER + "}",
      description = "Comma-separated member endpoints (default: $" + Endpoints.ENVIRONMENT_VARIABLE
          + " or the local cluster, ${DEFAULT-VALUE}).")
  private List<String> endpoints;

  @Option(
      names = "--command-timeout",
      paramLabel = "DURATION",
      scope = ScopeType.INHERIT,
      defaultValue = "5s",
      description = "Deadline of each request, retries included (default: ${DEFAULT-VALUE}).")
  private Duration commandTimeout;

  @Option(
      names = {"-w", "--write-out"},
      paramLabel = "FORMAT",
      scope = ScopeType.INHERIT,
      defaultValue = "simple",
      description = "Output format: simple, table or json (default: ${DEFAULT-VALUE}).")
  private String writeOut;

  @Spec private CommandSpec spec;

  private final ChannelFactory channelFactory;
  private InputStream in = System.in;
  private PrintStream out = System.out;
  private PrintStream err = System.err;

  /** kvctl over plaintext TCP. */
  public Kvctl() {
    this(ChannelFactory.plaintext());
  }

  /** kvctl with another transport, e.g. in-process channels in tests. */
  public Kvctl(ChannelFactory channelFactory) {
    this.channelFactory = channelFactory;
  }

  /** The shaded name of Netty's io.netty.leakDetection.level. */
  private static final String LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

  public static void main(String[] args) {
    // grpc-java logs transport hiccups through java.util.logging; kvctl reports errors itself.
    GRPC_LOGGER.setLevel(Level.OFF);
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    // Netty's sampled leak tracking takes a stack trace per sampled buffer: CPU the benchmark
    // would take from the servers. -D<LEAK_DETECTION>=simple restores it.
    if (System.getProperty(LEAK_DETECTION) == null) {
      System.setProperty(LEAK_DETECTION, "disabled");
    }
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    System.exit(new Kvctl().run(args, System.in, out, err));
  }

  /** Runs one command line with stdin; returns the exit status. */
  public int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
    CommandLine commandLine = new CommandLine(this);
    commandLine.registerConverter(Duration.class, Durations::parse);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.setParameterExceptionHandler((problem, arguments) -> {
      err.println("Error: " + problem.getMessage());
      CommandLine failed = problem.getCommandLine();
      CommandLine.UnmatchedArgumentException.printSuggestions(problem, err);
      err.println("Try '" + failed.getCommandSpec().qualifiedName() + " --help' for more information.");
      return CommandLine.ExitCode.USAGE;
    });
    commandLine.setExecutionExceptionHandler((problem, failed, parseResult) -> {
      err.println("Error: " + ErrorMessages.oneLine(problem));
      return CommandLine.ExitCode.SOFTWARE;
    });
    return commandLine.execute(args);
  }

  /** Runs one command line with the process's stdin. */
  public int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, System.in, out, err);
  }

  /** Bare {@code kvctl}: show usage. */
  @Override
  public Integer call() {
    spec.commandLine().usage(err);
    return CommandLine.ExitCode.USAGE;
  }

  /** The Kvctl behind any (sub)command's spec. */
  static Kvctl of(CommandSpec spec) {
    return (Kvctl) spec.root().userObject();
  }

  /** A client for the global options; the caller closes it. */
  RaftKvClient connect() {
    return RaftKvClient.builder()
        .endpoints(endpoints())
        .requestTimeout(commandTimeout)
        .closeTimeout(Duration.ofSeconds(1))
        .channelFactory(channelFactory)
        .build();
  }

  List<String> endpoints() {
    try {
      return Endpoints.parseList(String.join(",", endpoints));
    } catch (IllegalArgumentException invalid) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--endpoints: " + invalid.getMessage());
    }
  }

  Duration commandTimeout() {
    return commandTimeout;
  }

  ChannelFactory channelFactory() {
    return channelFactory;
  }

  OutputFormat format() {
    return switch (writeOut.toLowerCase(java.util.Locale.ROOT)) {
      case "simple" -> OutputFormat.SIMPLE;
      case "table" -> OutputFormat.TABLE;
      case "json" -> OutputFormat.JSON;
      default -> throw new CommandLine.ParameterException(
          spec.commandLine(), "-w must be simple, table or json, got '" + writeOut + "'");
    };
  }

  ResultPrinter printer() {
    return format().printer(out);
  }

  InputStream in() {
    return in;
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }
}
