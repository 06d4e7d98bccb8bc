package io.raftkv.client.cli;

import io.raftkv.client.DeleteResult;
import io.raftkv.client.EndpointStatus;
import io.raftkv.client.GetResult;
import io.raftkv.client.KeyValue;
import io.raftkv.client.Member;
import io.raftkv.client.MemberAddResult;
import io.raftkv.client.PutResult;
import io.raftkv.client.StatusResult;
import io.raftkv.client.TxnResult;
import java.io.PrintStream;
import java.util.List;

/** Bordered tables for listings; single results (put, delete, txn) print as in simple format. */
final class TablePrinter implements ResultPrinter {
  private final PrintStream out;
  private final SimplePrinter simple;

  TablePrinter(PrintStream out) {
    this.out = out;
    this.simple = new SimplePrinter(out);
  }

  @Override
  public void put(PutResult result) {
    simple.put(result);
  }

  @Override
  public void get(GetResult result, boolean keysOnly, boolean countOnly) {
    if (countOnly) {
      simple.get(result, false, true);
      return;
    }
    Table table = new Table("KEY", "VALUE", "CREATE REVISION", "MOD REVISION", "VERSION");
    for (KeyValue kv : result.kvs()) {
      table.row(kv.keyUtf8(), keysOnly ? "" : kv.valueUtf8(), kv.createRevision(), kv.modRevision(), kv.version());
    }
    table.print(out);
  }

  @Override
  public void delete(DeleteResult result) {
    simple.delete(result);
  }

  @Override
  public void txn(TxnResult result) {
    simple.txn(result);
  }

  @Override
  public void members(List<Member> members) {
    Table table = new Table("ID", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER");
    for (Member member : members) {
      table.row(member.id(), member.name(), member.peerUrl(), member.clientUrl(), member.learner());
    }
    table.print(out);
  }

  @Override
  public void memberAdded(MemberAddResult result) {
    simple.memberAdded(result);
    members(result.members());
  }

  @Override
  public void memberPromoted(long id, List<Member> members) {
    simple.memberPromoted(id, members);
    members(members);
  }

  @Override
  public void memberRemoved(long id, List<Member> members) {
    simple.memberRemoved(id, members);
    members(members);
  }

  @Override
  public void status(List<EndpointStatus.Reachable> statuses) {
    Table table = new Table("ENDPOINT", "ID", "ROLE", "TERM", "COMMIT", "APPLIED", "LEADER", "DB SIZE");
    for (EndpointStatus.Reachable reachable : statuses) {
      StatusResult s = reachable.status();
      table.row(reachable.endpoint(), s.id(), s.role(), s.term(), s.commit(), s.applied(), s.leader(),
          ResultPrinter.humanBytes(s.dbSize()));
    }
    table.print(out);
  }

  @Override
  public void health(List<Health> all) {
    Table table = new Table("ENDPOINT", "HEALTH", "TOOK", "ERROR");
    for (Health health : all) {
      table.row(health.endpoint(), health.healthy(), ResultPrinter.millis(health.took()), health.error());
    }
    table.print(out);
  }

  @Override
  public void leaderTransferred(long targetId) {
    simple.leaderTransferred(targetId);
  }
}
