package io.raftkv.client.load;

import java.util.Locale;

/** What the bench sends. */
public enum BenchOp {
  /** Put of a uniformly chosen key. */
  PUT,
  /** Linearizable get (ReadIndex). */
  GET,
  /** Serializable get: served from the contacted member's state. */
  GET_SERIALIZABLE,
  /** Linearizable gets with probability read-ratio, puts otherwise. */
  MIXED,
  /** Txn: if value(k) = V then put(k, V) else put(k, V): a compare plus a write on every op. */
  TXN_CAS;

  /** Parses the flag's spelling: put, get, get-serializable, mixed, txn-cas. */
  public static BenchOp parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException unknown) {
      throw new IllegalArgumentException("--op must be put, get, get-serializable, mixed or txn-cas, got '" + text + "'");
    }
  }

  /** The flag's spelling. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether any op of this kind writes (and so must reach the leader). */
  public boolean writes() {
    return this == PUT || this == MIXED || this == TXN_CAS;
  }
}
