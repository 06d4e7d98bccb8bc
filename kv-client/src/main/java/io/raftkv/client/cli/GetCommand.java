package io.raftkv.client.cli;

import io.raftkv.client.GetOption;
import io.raftkv.client.GetResult;
import io.raftkv.client.KeyRange;
import io.raftkv.client.RaftKvClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kvctl get KEY [RANGE_END]}; a missing key prints nothing and succeeds, as in etcdctl. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Gets the key or a range of keys.")
final class GetCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END", description = "Read the keys in [KEY, RANGE_END).")
  private String rangeEnd;

  @Option(names = "--prefix", description = "Get the keys with matching prefix.")
  private boolean prefix;

  @Option(names = "--from-key", description = "Get the keys greater than or equal to KEY.")
  private boolean fromKey;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Maximum number of results (0: no limit).")
  private long limit;

  @Option(names = "--keys-only", description = "Get only the keys.")
  private boolean keysOnly;

  @Option(names = "--count-only", description = "Get only the count.")
  private boolean countOnly;

  @Option(names = "--serializable", description = "Read from the contacted member's local state (possibly stale).")
  private boolean serializable;

  @Option(names = "--rev", paramLabel = "N", defaultValue = "0", description = "Read as of this revision (0: latest).")
  private long revision;

  @Override
  public Integer call() {
    Kvctl kvctl = Kvctl.of(spec);
    ResultPrinter printer = kvctl.printer();
    KeyRange range = KeyRanges.of(spec, key, rangeEnd, prefix, fromKey);
    GetOption option;
    try {
      option = GetOption.DEFAULT
          .withLimit(limit)
          .withKeysOnly(keysOnly)
          .withCountOnly(countOnly)
          .withSerializable(serializable)
          .withRevision(revision);
    } catch (IllegalArgumentException invalid) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), invalid.getMessage());
    }
    try (RaftKvClient client = kvctl.connect()) {
      GetResult result = client.kv().sync().get(range, option);
      printer.get(result, keysOnly, countOnly);
    }
    return 0;
  }
}
