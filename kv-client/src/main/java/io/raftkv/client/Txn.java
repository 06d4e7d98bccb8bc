package io.raftkv.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Builds a transaction in the order If, Then, Else, then commits it once:
 *
 * <pre>{@code
 * TxnResult result = client.kv().sync().txn()
 *     .If(Cmp.value("k").equal("old"))
 *     .Then(Op.put("k", "new"))
 *     .Else(Op.get("k"))
 *     .commit();
 * }</pre>
 *
 * <p>The methods are capitalised because {@code if} and {@code else} are Java keywords. Each
 * part may be called several times (the lists append) but not out of order. {@code R} is what
 * {@link #commit()} returns: a future from {@link KV#txn()}, the result from {@link SyncKV#txn()}.
 *
 * <p>Not thread-safe: build and commit it on one thread.
 */
public final class Txn<R> {
  private enum Stage { IF, THEN, ELSE, COMMITTED }

  private final Function<TxnSpec, R> committer;
  private final List<Cmp> compares = new ArrayList<>();
  private final List<Op> success = new ArrayList<>();
  private final List<Op> failure = new ArrayList<>();
  private Stage stage = Stage.IF;

  Txn(Function<TxnSpec, R> committer) {
    this.committer = Objects.requireNonNull(committer, "committer");
  }

  /** Adds compares; all must hold for the Then branch to run. */
  public Txn<R> If(Cmp... cmps) {
    moveTo(Stage.IF, "If");
    for (Cmp cmp : cmps) {
      compares.add(Objects.requireNonNull(cmp, "cmp"));
    }
    return this;
  }

  /** Adds operations run when every compare holds. */
  public Txn<R> Then(Op... ops) {
    moveTo(Stage.THEN, "Then");
    addAll(success, ops);
    return this;
  }

  /** Adds operations run when some compare fails. */
  public Txn<R> Else(Op... ops) {
    moveTo(Stage.ELSE, "Else");
    addAll(failure, ops);
    return this;
  }

  /** The transaction built so far. */
  public TxnSpec spec() {
    return new TxnSpec(compares, success, failure);
  }

  /** Sends the transaction; a Txn commits once. */
  public R commit() {
    if (stage == Stage.COMMITTED) {
      throw new IllegalStateException("this Txn was already committed");
    }
    stage = Stage.COMMITTED;
    return committer.apply(spec());
  }

  private void moveTo(Stage next, String method) {
    if (stage == Stage.COMMITTED) {
      throw new IllegalStateException("cannot call " + method + " after commit");
    }
    if (next.ordinal() < stage.ordinal()) {
      throw new IllegalStateException("cannot call " + method + " after " + name(stage) + "; the order is If, Then, Else");
    }
    stage = next;
  }

  private static String name(Stage stage) {
    return switch (stage) {
      case IF -> "If";
      case THEN -> "Then";
      case ELSE -> "Else";
      case COMMITTED -> "commit";
    };
  }

  private static void addAll(List<Op> target, Op[] ops) {
    for (Op op : ops) {
      target.add(Objects.requireNonNull(op, "op"));
    }
  }
}
