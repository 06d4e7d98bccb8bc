package io.raftkv.client.cli;

import io.raftkv.client.DeleteResult;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.GetResult;
import io.raftkv.client.KeyValue;
import io.raftkv.client.Member;
import io.raftkv.client.MemberAddResult;
import io.raftkv.client.OpResult;
import io.raftkv.client.PutResult;
import io.raftkv.client.StatusResult;
import io.raftkv.client.TxnResult;
import java.io.PrintStream;
import java.util.List;

/** etcdctl's default output: a get prints each key, then its value, on its own line. */
final class SimplePrinter implements ResultPrinter {
  private final PrintStream out;

  SimplePrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void put(PutResult result) {
    out.println("OK");
    result.prevKv().ifPresent(kv -> keyValue(kv, false));
  }

  @Override
  public void get(GetResult result, boolean keysOnly, boolean countOnly) {
    if (countOnly) {
      out.println(result.count());
      return;
    }
    for (KeyValue kv : result.kvs()) {
      keyValue(kv, keysOnly);
    }
  }

  @Override
  public void delete(DeleteResult result) {
    out.println(result.deleted());
    for (KeyValue kv : result.prevKvs()) {
      keyValue(kv, false);
    }
  }

  @Override
  public void txn(TxnResult result) {
    out.println(result.succeeded() ? "SUCCESS" : "FAILURE");
    for (OpResult op : result.responses()) {
      out.println();
      switch (op) {
        case PutResult put -> put(put);
        case GetResult get -> get(get, false, false);
        case DeleteResult delete -> delete(delete);
      }
    }
  }

  @Override
  public void members(List<Member> members) {
    for (Member member : members) {
      out.println(member.id() + ", " + member.name() + ", " + member.peerUrl() + ", " + member.clientUrl() + ", "
          + (member.learner() ? "learner" : "voter"));
    }
  }

  @Override
  public void memberAdded(MemberAddResult result) {
    Member member = result.member();
    out.println("Member " + member.id() + " added as learner (name " + (member.name().isEmpty() ? "-" : member.name())
        + ", peer " + member.peerUrl() + ", client " + member.clientUrl() + ")");
  }

  @Override
  public void memberPromoted(long id, List<Member> members) {
    out.println("Member " + id + " promoted to voter");
  }

  @Override
  public void memberRemoved(long id, List<Member> members) {
    out.println("Member " + id + " removed");
  }

  @Override
  public void status(List<EndpointStatus.Reachable> statuses) {
    for (EndpointStatus.Reachable reachable : statuses) {
      StatusResult s = reachable.status();
      out.println(reachable.endpoint() + ", " + s.id() + ", " + s.role() + ", " + s.term() + ", " + s.commit() + ", "
          + s.applied() + ", " + s.leader() + ", " + ResultPrinter.humanBytes(s.dbSize()));
    }
  }

  @Override
  public void health(List<Health> all) {
    // Unhealthy endpoints go to stderr, as etcdctl does; the command prints them.
    for (Health health : all.stream().filter(Health::healthy).toList()) {
      out.println(health.endpoint() + " is healthy: took = " + ResultPrinter.millis(health.took()));
    }
  }

  @Override
  public void leaderTransferred(long targetId) {
    out.println("Leadership transferred to member " + targetId);
  }

  private void keyValue(KeyValue kv, boolean keysOnly) {
    out.println(kv.keyUtf8());
    if (!keysOnly) {
      out.println(kv.valueUtf8());
    }
  }
}
