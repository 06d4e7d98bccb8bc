package io.raftkv.client.load;

import java.util.Locale;

/**
 * The API the bench speaks. {@link #ETCD} exists so that an etcd cluster can be measured by the
 * same client, with the same slots, histogram and report, in the same run as raftkv
 * (BENCHMARKS.md, "Measuring etcd with the same client"); {@link Workload} builds each
 * protocol's requests.
 */
public enum BenchProtocol {
  /** raftkv's own client API (kv.proto): writes carry a request id, one session per slot. */
  RAFTKV,
  /**
   * etcd v3's {@code etcdserverpb.KV} Put and Range (etcd_kv.proto, a subset): no request ids,
   * since etcd has no client sessions; no Txn, so no txn-cas.
   */
  ETCD;

  /** Parses the flag's spelling: raftkv, etcd. */
  public static BenchProtocol parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException("--protocol must be raftkv or etcd, got '" + text + "'");
    }
  }

  /** The flag's spelling. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Refuses an op this protocol cannot send.
   *
   * @throws IllegalArgumentException naming the op and the protocol
   */
  public void requireSupports(BenchOp op) {
    boolean supported = switch (this) {
      case RAFTKV -> true;
      case ETCD -> op != BenchOp.TXN_CAS;
    };
    if (!supported) {
      throw new IllegalArgumentException("--op " + op.flag() + " is not supported with --protocol " + flag()
          + " (it sends only Put and Range: use put, get, get-serializable or mixed)");
    }
  }
}
