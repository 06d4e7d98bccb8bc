package io.raftkv.client.cli;

import io.raftkv.client.DeleteOption;
import io.raftkv.client.DeleteResult;
import io.raftkv.client.KeyRange;
import io.raftkv.client.RaftKvClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kvctl del KEY [RANGE_END]}; prints the number of keys deleted. */
@Command(name = "del", mixinStandardHelpOptions = true, description = "Removes the key or a range of keys.")
final class DelCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Parameters(index = "1", arity = "0..1", paramLabel = "RANGE_END", description = "Delete the keys in [KEY, RANGE_END).")
  private String rangeEnd;

  @Option(names = "--prefix", description = "Delete the keys with matching prefix.")
  private boolean prefix;

  @Option(names = "--from-key", description = "Delete the keys greater than or equal to KEY.")
  private boolean fromKey;

  @Option(names = "--prev-kv", description = "Also print the deleted key-values.")
  private boolean prevKv;

  @Override
  public Integer call() {
    Kvctl kvctl = Kvctl.of(spec);
    ResultPrinter printer = kvctl.printer();
    KeyRange range = KeyRanges.of(spec, key, rangeEnd, prefix, fromKey);
    try (RaftKvClient client = kvctl.connect()) {
      DeleteResult result = client.kv().sync().delete(range, prevKv ? DeleteOption.PREV_KV : DeleteOption.DEFAULT);
      printer.delete(result);
    }
    return 0;
  }
}
