package io.raftkv.client.cli;

import java.io.PrintStream;

/** kvctl's {@code -w}: etcdctl's simple lines (the default), a bordered table, or one-line JSON. */
public enum OutputFormat {
  SIMPLE,
  TABLE,
  JSON;

  ResultPrinter printer(PrintStream out) {
    return switch (this) {
      case SIMPLE -> new SimplePrinter(out);
      case TABLE -> new TablePrinter(out);
      case JSON -> new JsonPrinter(out);
    };
  }
}
