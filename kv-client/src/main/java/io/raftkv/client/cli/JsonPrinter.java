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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JSON object per command, on one line, with etcd's field names. Keys and values are written
 * as UTF-8 text (kvctl is for text keys; invalid bytes become U+FFFD).
 */
final class JsonPrinter implements ResultPrinter {
  private final PrintStream out;

  JsonPrinter(PrintStream out) {
    this.out = out;
  }

  @Override
  public void put(PutResult result) {
    out.println(Json.write(putTree(result)));
  }

  @Override
  public void get(GetResult result, boolean keysOnly, boolean countOnly) {
    out.println(Json.write(getTree(result)));
  }

  @Override
  public void delete(DeleteResult result) {
    out.println(Json.write(deleteTree(result)));
  }

  @Override
  public void txn(TxnResult result) {
    List<Object> responses = new ArrayList<>();
    for (OpResult op : result.responses()) {
      responses.add(switch (op) {
        case PutResult put -> Map.of("response_put", putTree(put));
        case GetResult get -> Map.of("response_range", getTree(get));
        case DeleteResult delete -> Map.of("response_delete_range", deleteTree(delete));
      });
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("revision", result.revision());
    tree.put("succeeded", result.succeeded());
    tree.put("responses", responses);
    out.println(Json.write(tree));
  }

  @Override
  public void members(List<Member> members) {
    out.println(Json.write(Map.of("members", memberTrees(members))));
  }

  @Override
  public void memberAdded(MemberAddResult result) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("member", memberTree(result.member()));
    tree.put("members", memberTrees(result.members()));
    out.println(Json.write(tree));
  }

  @Override
  public void memberPromoted(long id, List<Member> members) {
    out.println(Json.write(Map.of("members", memberTrees(members))));
  }

  @Override
  public void memberRemoved(long id, List<Member> members) {
    out.println(Json.write(Map.of("members", memberTrees(members))));
  }

  @Override
  public void status(List<EndpointStatus.Reachable> statuses) {
    List<Object> trees = new ArrayList<>();
    for (EndpointStatus.Reachable reachable : statuses) {
      StatusResult s = reachable.status();
      Map<String, Object> status = new LinkedHashMap<>();
      status.put("member_id", s.id());
      status.put("leader", s.leader());
      status.put("raft_term", s.term());
      status.put("commit_index", s.commit());
      status.put("applied_index", s.applied());
      status.put("raft_state", s.role());
      status.put("db_size", s.dbSize());
      status.put("version", s.version());
      status.put("errors", s.errors());
      status.put("revision", s.revision());
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("endpoint", reachable.endpoint());
      tree.put("status", status);
      trees.add(tree);
    }
    out.println(Json.write(trees));
  }

  @Override
  public void health(List<Health> all) {
    List<Object> trees = new ArrayList<>();
    for (Health health : all) {
      Map<String, Object> tree = new LinkedHashMap<>();
      tree.put("endpoint", health.endpoint());
      tree.put("health", health.healthy());
      tree.put("took_ms", health.took().toNanos() / 1e6);
      tree.put("error", health.error());
      trees.add(tree);
    }
    out.println(Json.write(trees));
  }

  @Override
  public void leaderTransferred(long targetId) {
    out.println(Json.write(Map.of("leader", targetId)));
  }

  private static Map<String, Object> putTree(PutResult result) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("revision", result.revision());
    result.prevKv().ifPresent(kv -> tree.put("prev_kv", kvTree(kv)));
    return tree;
  }

  private static Map<String, Object> getTree(GetResult result) {
    List<Object> kvs = new ArrayList<>();
    for (KeyValue kv : result.kvs()) {
      kvs.add(kvTree(kv));
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("revision", result.revision());
    tree.put("count", result.count());
    tree.put("more", result.more());
    tree.put("kvs", kvs);
    return tree;
  }

  private static Map<String, Object> deleteTree(DeleteResult result) {
    List<Object> prev = new ArrayList<>();
    for (KeyValue kv : result.prevKvs()) {
      prev.add(kvTree(kv));
    }
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("revision", result.revision());
    tree.put("deleted", result.deleted());
    if (!prev.isEmpty()) {
      tree.put("prev_kvs", prev);
    }
    return tree;
  }

  private static Map<String, Object> kvTree(KeyValue kv) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("key", kv.keyUtf8());
    tree.put("value", kv.valueUtf8());
    tree.put("create_revision", kv.createRevision());
    tree.put("mod_revision", kv.modRevision());
    tree.put("version", kv.version());
    return tree;
  }

  private static List<Object> memberTrees(List<Member> members) {
    List<Object> trees = new ArrayList<>();
    for (Member member : members) {
      trees.add(memberTree(member));
    }
    return trees;
  }

  private static Map<String, Object> memberTree(Member member) {
    Map<String, Object> tree = new LinkedHashMap<>();
    tree.put("id", member.id());
    tree.put("name", member.name());
    tree.put("peer_url", member.peerUrl());
    tree.put("client_url", member.clientUrl());
    tree.put("is_learner", member.learner());
    return tree;
  }
}
