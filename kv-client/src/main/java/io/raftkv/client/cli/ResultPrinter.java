package io.raftkv.client.cli;

import io.raftkv.client.DeleteResult;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.GetResult;
import io.raftkv.client.Member;
import io.raftkv.client.MemberAddResult;
import io.raftkv.client.PutResult;
import io.raftkv.client.TxnResult;
import java.util.List;

/** Prints command results in one output format; one implementation per {@link OutputFormat}. */
sealed interface ResultPrinter permits SimplePrinter, TablePrinter, JsonPrinter {
  void put(PutResult result);

  void get(GetResult result, boolean keysOnly, boolean countOnly);

  void delete(DeleteResult result);

  void txn(TxnResult result);

  void members(List<Member> members);

  void memberAdded(MemberAddResult result);

  void memberPromoted(long id, List<Member> members);

  void memberRemoved(long id, List<Member> members);

  /** Only the reachable endpoints; kvctl reports the others on stderr. */
  void status(List<EndpointStatus.Reachable> statuses);

  /** Every endpoint; the simple format prints the healthy ones and leaves the rest to stderr. */
  void health(List<Health> all);

  void leaderTransferred(long targetId);

  /** 20 kB, 1.5 MB: etcdctl's SI units for database sizes. */
  static String humanBytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB", "PB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return (value < 10 ? String.format("%.1f", value) : String.format("%.0f", value)) + " " + units[unit];
  }

  /** Milliseconds with three decimals, e.g. 1.234ms. */
  static String millis(java.time.Duration duration) {
    return String.format("%.3fms", duration.toNanos() / 1e6);
  }
}
