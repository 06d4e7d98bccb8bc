package io.raftkv.client.cli;

import io.raftkv.client.PutOption;
import io.raftkv.client.PutResult;
import io.raftkv.client.RaftKvClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kvctl put KEY VALUE [--prev-kv]}; prints OK. */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Puts the given key into the store.")
final class PutCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "KEY")
  private String key;

  @Parameters(index = "1", paramLabel = "VALUE", description = "Use -- before a value that starts with '-'.")
  private String value;

  @Option(names = "--prev-kv", description = "Also print the key-value the put replaced.")
  private boolean prevKv;

  @Override
  public Integer call() {
    Kvctl kvctl = Kvctl.of(spec);
    ResultPrinter printer = kvctl.printer();
    try (RaftKvClient client = kvctl.connect()) {
      PutResult result = client.kv().sync().put(key, value, prevKv ? PutOption.PREV_KV : PutOption.DEFAULT);
      printer.put(result);
    }
    return 0;
  }
}
