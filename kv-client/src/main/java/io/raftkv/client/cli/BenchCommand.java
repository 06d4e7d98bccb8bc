package io.raftkv.client.cli;

import io.grpc.Status;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.ErrorCode;
import io.raftkv.client.Member;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.UnavailableException;
import io.raftkv.client.load.BenchConfig;
import io.raftkv.client.load.BenchOp;
import io.raftkv.client.load.BenchProtocol;
import io.raftkv.client.load.BenchReport;
import io.raftkv.client.load.BenchRunner;
import io.raftkv.client.load.HtmlChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvctl bench} (also {@code bin/raftkv-bench}): a load generator. Finds the leader, then
 * drives raw gRPC stubs; progress goes to stderr once a second, the summary to stdout, the full
 * result to {@code --out} as JSON. Errors are counted, never retried. {@code --protocol etcd}
 * sends etcd's Put and Range instead, to measure an etcd cluster with the same client.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Load generator: closed loop (--inflight requests in flight) or open loop (--rate ops/s).",
      "Writes go to the leader, found through endpoint status; --command-timeout is each request's deadline.",
      "--protocol etcd measures an etcd v3 cluster with the same client (--target first: name its leader first)."
    })
final class BenchCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--op", defaultValue = "put", paramLabel = "OP",
      description = "put, get, get-serializable, mixed or txn-cas (default: ${DEFAULT-VALUE}).")
  private String op;

  @Option(names = "--protocol", defaultValue = "raftkv", paramLabel = "API",
      description = "raftkv, or etcd: etcd v3's KV Put and Range, to measure an etcd cluster with the same client; "
          + "put, get, get-serializable and mixed only, and --target first or all (default: ${DEFAULT-VALUE}).")
  private String protocol;

  @Option(names = "--inflight", defaultValue = "64", paramLabel = "N",
      description = "Requests in flight (open loop: at most) (default: ${DEFAULT-VALUE}).")
  private int inflight;

  // One connection, as etcd's benchmark: HTTP/2 multiplexes the requests, and one socket lets the
  // server read and answer them in batches (put at 64 in flight: 3,300-3,700 ops/s on 1
  // connection against 2,400 on 4, on the 2-core machine of BENCHMARKS.md).
  @Option(names = "--conns", defaultValue = "1", paramLabel = "M",
      description = "gRPC channels (connections) (default: ${DEFAULT-VALUE}).")
  private int conns;

  @Option(names = "--rate", defaultValue = "0", paramLabel = "R",
      description = "Open loop at R ops/s; 0 for a closed loop (default: ${DEFAULT-VALUE}).")
  private double rate;

  @Option(names = "--read-ratio", defaultValue = "0.5", paramLabel = "F",
      description = "Share of gets for --op mixed (default: ${DEFAULT-VALUE}).")
  private double readRatio;

  @Option(names = "--key-size", defaultValue = "16", paramLabel = "BYTES", description = "(default: ${DEFAULT-VALUE})")
  private int keySize;

  @Option(names = "--value-size", defaultValue = "100", paramLabel = "BYTES", description = "(default: ${DEFAULT-VALUE})")
  private int valueSize;

  @Option(names = "--keys", defaultValue = "100000", paramLabel = "N",
      description = "Distinct keys, chosen uniformly (default: ${DEFAULT-VALUE}).")
  private int keys;

  @Option(names = "--duration", paramLabel = "DURATION", description = "Measured time (default: 30s unless --ops).")
  private Duration duration;

  @Option(names = "--ops", paramLabel = "N", description = "Measured ops, instead of --duration.")
  private Long ops;

  @Option(names = "--warmup", defaultValue = "10s", paramLabel = "DURATION",
      description = "Unmeasured time first (default: ${DEFAULT-VALUE}).")
  private Duration warmup;

  @Option(names = "--target", defaultValue = "leader", paramLabel = "WHERE",
      description = "leader (found through raftkv's endpoint status; raftkv only), first (the first of --endpoints "
          + "as given: the caller names the leader, e.g. etcd's), or all endpoints round-robin (reads only) "
          + "(default: ${DEFAULT-VALUE}).")
  private String target;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seeds keys and values (default: ${DEFAULT-VALUE}).")
  private long seed;

  @Option(names = "--unary",
      description = "Send each raftkv request as its own unary call, not over one KV Stream call per connection "
          + "(the client library's default); etcd's requests are always unary calls.")
  private boolean unary;

  @Option(names = "--out", paramLabel = "FILE", description = "Write the result as JSON.")
  private Path out;

  @Option(names = "--compare", paramLabel = "FILE", description = "Print ratios against an earlier --out file.")
  private Path compare;

  @Option(names = "--html", paramLabel = "FILE", description = "Write a latency-over-time chart (HTML with inline SVG).")
  private Path html;

  // A suite's rows in one JVM: a new client JVM per row spent its first seconds compiling (the
  // client's C2 threads took 23% of the machine in a 10 s row on 2 cores), CPU the servers lack.
  @Option(names = "--rows", split = ",", paramLabel = "OP:N",
      description = "Run these rows one after another in this process, each an op and its in-flight count "
          + "(e.g. put:1,put:64,get:256), each with the warm-up and duration given; needs --out-dir.")
  private List<String> rows;

  @Option(names = "--out-dir", paramLabel = "DIR", description = "With --rows: write each row's result to DIR/<op>-<n>.json.")
  private Path outDir;

  /** The most rows one run takes; a suite has eight. */
  private static final int ROWS_MAX = 64;

  @Override
  public Integer call() throws InterruptedException {
    Kvctl kvctl = Kvctl.of(spec);
    if (rows != null) {
      return runRows(kvctl);
    }
    if (outDir != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--out-dir goes with --rows");
    }
    BenchConfig config = config(kvctl, op, inflight);
    Map<String, Object> previous = compare == null ? null : readPrevious(compare);
    BenchReport report = run(kvctl, config);
    Map<String, Object> tree = report.toTree();
    if (previous != null) {
      Map<String, Object> ratios = Comparison.of(tree, previous, compare.toString());
      kvctl.out().println(Comparison.describe(ratios));
      tree.put("compare", ratios);
    }
    write(out, Json.writePretty(tree) + "\n");
    if (html != null) {
      write(html, HtmlChart.render(report));
    }
    return everyOpFailed(kvctl, report) ? 1 : 0;
  }

  private static BenchReport run(Kvctl kvctl, BenchConfig config) throws InterruptedException {
    kvctl.err().println("bench: " + config.op().flag() + " at " + config.inflight() + " over " + config.protocol().flag()
        + " against " + String.join(",", config.targets()));
    BenchReport report = new BenchRunner(config, kvctl.channelFactory(), kvctl.err()).run();
    kvctl.out().print(report.summary());
    return report;
  }

  /** A run in which nothing succeeded is an error (exit 1), said on stderr. */
  private static boolean everyOpFailed(Kvctl kvctl, BenchReport report) {
    if (report.ops() == 0 && report.errorCount() > 0) {
      kvctl.err().println("Error: every op failed " + report.errors() + " (" + report.config().op().flag() + " at "
          + report.config().inflight() + " in flight)");
      return true;
    }
    return false;
  }

  /** Each row in turn, as separate runs would (its own warm-up and result file), in this one JVM. */
  private int runRows(Kvctl kvctl) throws InterruptedException {
    if (outDir == null || out != null || compare != null || html != null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--rows writes one file a row: give --out-dir, and no --out, --compare or --html");
    }
    if (rows.isEmpty() || rows.size() > ROWS_MAX) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--rows takes 1 to " + ROWS_MAX + " rows, got " + rows.size());
    }
    List<BenchConfig> configs = new ArrayList<>();
    for (String row : rows) {
      String[] parts = row.split(":", -1);
      int count;
      try {
        count = parts.length == 2 ? Integer.parseInt(parts[1]) : -1;
      } catch (NumberFormatException e) {
        count = -1;
      }
      if (count < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--rows: '" + row + "' is not OP:N with N >= 1");
      }
      configs.add(config(kvctl, parts[0], count)); // every row checked before the first runs
    }
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + outDir + ": " + e.getMessage(), e);
    }
    int exit = 0;
    for (BenchConfig config : configs) {
      BenchReport report = run(kvctl, config);
      write(outDir.resolve(config.op().flag() + "-" + config.inflight() + ".json"), Json.writePretty(report.toTree()) + "\n");
      if (everyOpFailed(kvctl, report)) {
        exit = 1;
      }
    }
    return exit;
  }

  private BenchConfig config(Kvctl kvctl, String op, int inflight) {
    BenchOp benchOp;
    BenchProtocol benchProtocol;
    try {
      benchOp = BenchOp.parse(op);
      benchProtocol = BenchProtocol.parse(protocol);
      benchProtocol.requireSupports(benchOp);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
    if (duration != null && ops != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --duration or --ops, not both");
    }
    List<String> targets = targets(kvctl, benchOp, benchProtocol);
    try {
      return new BenchConfig(benchProtocol, targets, benchOp, inflight, conns, rate, readRatio, keySize, valueSize, keys,
          ops != null ? null : duration != null ? duration : Duration.ofSeconds(30),
          ops != null ? ops : 0, warmup, kvctl.commandTimeout(), seed, unary);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    }
  }

  private List<String> targets(Kvctl kvctl, BenchOp benchOp, BenchProtocol benchProtocol) {
    switch (target) {
      case "all" -> {
        if (benchOp.writes()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--target all is for reads; writes must reach the leader");
        }
        return kvctl.endpoints();
      }
      case "first" -> {
        return List.of(kvctl.endpoints().get(0));
      }
      case "leader" -> {
        return switch (benchProtocol) {
          case RAFTKV -> List.of(findLeader(kvctl));
          // etcd serves its own Maintenance.Status, not raftkv's; the caller knows its leader.
          case ETCD -> throw new CommandLine.ParameterException(spec.commandLine(),
              "--target leader finds the leader through raftkv's endpoint status, which etcd does not serve; "
                  + "with --protocol etcd give the leader first in --endpoints and use --target first, "
                  + "or --target all for reads");
        };
      }
      default -> throw new CommandLine.ParameterException(spec.commandLine(),
          "--target must be leader, first or all, got '" + target + "'");
    }
  }

  /** The leader's client address: an endpoint that says it leads, else the member list's entry. */
  private static String findLeader(Kvctl kvctl) {
    try (RaftKvClient client = kvctl.connect()) {
      long leaderId = 0;
      List<String> failures = new ArrayList<>();
      List<EndpointStatus> statuses = client.maintenance().sync().statusAll();
      for (EndpointStatus status : statuses) {
        switch (status) {
          case EndpointStatus.Reachable reachable -> {
            if (reachable.status().isLeader()) {
              return reachable.endpoint();
            }
            leaderId = leaderId != 0 ? leaderId : reachable.status().leader();
          }
          case EndpointStatus.Unreachable unreachable ->
              failures.add(unreachable.endpoint() + ": " + unreachable.error().getMessage());
        }
      }
      if (failures.size() == statuses.size()) {
        // Every op would fail at once: say so instead of measuring a run of connection errors.
        throw new UnavailableException(Status.Code.UNAVAILABLE, ErrorCode.UNKNOWN,
            "bench: no endpoint reachable (" + String.join("; ", failures) + ")", String.join(",", client.endpoints()));
      }
      if (leaderId != 0) {
        for (Member member : client.cluster().sync().memberList()) {
          if (member.id() == leaderId && !member.clientUrl().isEmpty()) {
            return member.clientUrl();
          }
        }
      }
      String first = client.endpoints().get(0);
      kvctl.err().println("bench: no leader found; sending to " + first);
      return first;
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> readPrevious(Path file) {
    try {
      Object tree = Json.parse(Files.readString(file, StandardCharsets.UTF_8));
      if (tree instanceof Map<?, ?> map) {
        return (Map<String, Object>) map;
      }
      throw new CommandLine.ParameterException(spec.commandLine(), "--compare " + file + ": not a bench result (no JSON object)");
    } catch (IOException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--compare " + file + ": cannot read (" + e.getMessage() + ")");
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--compare " + file + ": " + e.getMessage());
    }
  }

  private static void write(Path file, String content) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
