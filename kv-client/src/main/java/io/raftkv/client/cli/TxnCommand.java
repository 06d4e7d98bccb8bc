package io.raftkv.client.cli;

import io.raftkv.client.Cmp;
import io.raftkv.client.Op;
import io.raftkv.client.RaftKvClient;
import io.raftkv.client.TxnResult;
import io.raftkv.client.TxnSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kvctl txn}: a compare-and-swap from flags
 * ({@code --if-value k=old --then-put k=new --else-get k}) or, with no flags, a transaction read
 * from stdin in etcdctl's format (see {@link TxnScript}). Prints SUCCESS or FAILURE, then each
 * operation's result.
 */
@Command(
    name = "txn",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a transaction: if every compare holds, the success operations, else the failure ones.",
      "Without flags it reads from stdin: compares, a blank line, success ops, a blank line, failure ops,",
      "e.g. value(\"k\") = \"v\" / version(\"k\") > \"0\" / put k v / get k / del k."
    })
final class TxnCommand implements Callable<Integer> {
  @Spec private CommandSpec spec;

  @Option(names = "--if-value", paramLabel = "KEY=VALUE", description = "Compare: the key's value equals VALUE.")
  private List<String> ifValue = new ArrayList<>();

  @Option(names = "--if-missing", paramLabel = "KEY", description = "Compare: the key does not exist (version 0).")
  private List<String> ifMissing = new ArrayList<>();

  @Option(names = "--then-put", paramLabel = "KEY=VALUE", description = "On success: put.")
  private List<String> thenPut = new ArrayList<>();

  @Option(names = "--then-get", paramLabel = "KEY", description = "On success: get.")
  private List<String> thenGet = new ArrayList<>();

  @Option(names = "--then-del", paramLabel = "KEY", description = "On success: delete.")
  private List<String> thenDel = new ArrayList<>();

  @Option(names = "--else-put", paramLabel = "KEY=VALUE", description = "On failure: put.")
  private List<String> elsePut = new ArrayList<>();

  @Option(names = "--else-get", paramLabel = "KEY", description = "On failure: get.")
  private List<String> elseGet = new ArrayList<>();

  @Option(names = "--else-del", paramLabel = "KEY", description = "On failure: delete.")
  private List<String> elseDel = new ArrayList<>();

  @Option(names = {"-i", "--interactive"}, description = "Prompt for each part on stderr while reading stdin.")
  private boolean interactive;

  @Override
  public Integer call() {
    Kvctl kvctl = Kvctl.of(spec);
    ResultPrinter printer = kvctl.printer();
    TxnSpec txn = hasFlags() ? fromFlags() : fromInput(kvctl);
    try (RaftKvClient client = kvctl.connect()) {
      TxnResult result = client.kv().sync().commit(txn);
      printer.txn(result);
    }
    return 0;
  }

  private boolean hasFlags() {
    return !(ifValue.isEmpty() && ifMissing.isEmpty() && thenPut.isEmpty() && thenGet.isEmpty() && thenDel.isEmpty()
        && elsePut.isEmpty() && elseGet.isEmpty() && elseDel.isEmpty());
  }

  private TxnSpec fromFlags() {
    List<Cmp> compares = new ArrayList<>();
    for (String pair : ifValue) {
      String[] kv = split(pair, "--if-value");
      compares.add(Cmp.value(kv[0]).equal(kv[1]));
    }
    for (String key : ifMissing) {
      compares.add(Cmp.version(key).equal(0));
    }
    return new TxnSpec(compares, ops(thenPut, thenGet, thenDel, "--then-put"), ops(elsePut, elseGet, elseDel, "--else-put"));
  }

  private List<Op> ops(List<String> puts, List<String> gets, List<String> dels, String putFlag) {
    List<Op> ops = new ArrayList<>();
    for (String pair : puts) {
      String[] kv = split(pair, putFlag);
      ops.add(Op.put(kv[0], kv[1]));
    }
    for (String key : gets) {
      ops.add(Op.get(key));
    }
    for (String key : dels) {
      ops.add(Op.delete(key));
    }
    return ops;
  }

  private String[] split(String pair, String flag) {
    int equals = pair.indexOf('=');
    if (equals <= 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), flag + " needs KEY=VALUE, got '" + pair + "'");
    }
    return new String[] {pair.substring(0, equals), pair.substring(equals + 1)};
  }

  private TxnSpec fromInput(Kvctl kvctl) {
    if (interactive) {
      kvctl.err().println("compares (then a blank line), success ops (blank line), failure ops (blank line):");
    }
    BufferedReader reader = new BufferedReader(new InputStreamReader(kvctl.in(), StandardCharsets.UTF_8));
    try {
      return TxnScript.parse(reader);
    } catch (IllegalArgumentException bad) {
      throw new CommandLine.ParameterException(spec.commandLine(), bad.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the transaction from stdin", e);
    }
  }
}
