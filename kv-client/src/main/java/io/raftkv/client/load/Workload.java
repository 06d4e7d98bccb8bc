package io.raftkv.client.load;

import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The requests a bench run sends, in the run's protocol: keys chosen uniformly from a fixed set
 * made up front, one value shared by every put (so an op allocates only its request and the
 * {@link Request} pairing it with its method). raftkv writes carry the next request id of the
 * caller's session, its slot's (see {@link Slot}); etcd has no sessions, so its writes carry
 * none. Immutable; thread-safe.
 */
final class Workload {
  /** The kinds of request, after a mixed run's read-or-write draw. */
  enum Kind { PUT, GET, GET_SERIALIZABLE, TXN_CAS }

  /** Numbers the writes of one slot (raftkv only). */
  interface Session {
    /** The id of the next write; called once per raftkv write, just before it is sent. */
    RequestId nextRequestId();
  }

  /** One unary call to start: the method and its request. */
  record Request<Q, R>(MethodDescriptor<Q, R> method, Q message) {}

  private final BenchProtocol protocol;
  private final BenchOp op;
  private final double readRatio;
  private final ByteString[] keys;
  private final ByteString value;

  Workload(BenchConfig config) {
    this.protocol = config.protocol();
    this.op = config.op();
    this.readRatio = config.readRatio();
    this.keys = new ByteString[config.keys()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = key(i, config.keySize());
    }
    this.value = value(config.valueSize(), new SplittableRandom(config.seed()));
  }

  /** "k" then the index zero-padded to the key size: k000000000000042. */
  static ByteString key(int index, int size) {
    String digits = Integer.toString(index);
    StringBuilder key = new StringBuilder(size).append('k');
    key.append("0".repeat(size - 1 - digits.length())).append(digits);
    return ByteString.copyFrom(key.toString(), StandardCharsets.US_ASCII);
  }

  /** Printable, so a human reading the store sees text. */
  private static ByteString value(int size, SplittableRandom random) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) ('a' + random.nextInt(26));
    }
    return ByteString.copyFrom(bytes);
  }

  Kind pick(SplittableRandom random) {
    return switch (op) {
      case PUT -> Kind.PUT;
      case GET -> Kind.GET;
      case GET_SERIALIZABLE -> Kind.GET_SERIALIZABLE;
      case TXN_CAS -> Kind.TXN_CAS;
      case MIXED -> random.nextDouble() < readRatio ? Kind.GET : Kind.PUT;
    };
  }

  ByteString key(SplittableRandom random) {
    return keys[random.nextInt(keys.length)];
  }

  /** The request of one op of {@code kind} on {@code key}. */
  Request<?, ?> request(Kind kind, ByteString key, Session session) {
    return switch (protocol) {
      case RAFTKV -> raftkvRequest(kind, key, session);
      case ETCD -> etcdRequest(kind, key);
    };
  }

  private Request<?, ?> raftkvRequest(Kind kind, ByteString key, Session session) {
    return switch (kind) {
      case PUT -> new Request<>(KVGrpc.getPutMethod(),
          PutRequest.newBuilder().setKey(key).setValue(value).setRequestId(session.nextRequestId()).build());
      case GET -> new Request<>(KVGrpc.getRangeMethod(), RangeRequest.newBuilder().setKey(key).build());
      case GET_SERIALIZABLE -> new Request<>(KVGrpc.getRangeMethod(),
          RangeRequest.newBuilder().setKey(key).setSerializable(true).build());
      case TXN_CAS -> new Request<>(KVGrpc.getTxnMethod(), txnCas(key, session.nextRequestId()));
    };
  }

  /** etcd's Put and Range (io.raftkv.proto.etcd, named in full: the message names are raftkv's too). */
  private Request<?, ?> etcdRequest(Kind kind, ByteString key) {
    return switch (kind) {
      case PUT -> new Request<>(io.raftkv.proto.etcd.KVGrpc.getPutMethod(),
          io.raftkv.proto.etcd.PutRequest.newBuilder().setKey(key).setValue(value).build());
      case GET -> new Request<>(io.raftkv.proto.etcd.KVGrpc.getRangeMethod(),
          io.raftkv.proto.etcd.RangeRequest.newBuilder().setKey(key).build());
      case GET_SERIALIZABLE -> new Request<>(io.raftkv.proto.etcd.KVGrpc.getRangeMethod(),
          io.raftkv.proto.etcd.RangeRequest.newBuilder().setKey(key).setSerializable(true).build());
      case TXN_CAS -> throw new AssertionError("invariant violated: txn-cas over etcd, which BenchConfig refuses");
    };
  }

  /** If value(k) = V then put(k, V) else put(k, V): the first op on a key takes the else branch. */
  private TxnRequest txnCas(ByteString key, RequestId requestId) {
    RequestOp put = RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(key).setValue(value)).build();
    return TxnRequest.newBuilder()
        .addCompare(Compare.newBuilder()
            .setKey(key)
            .setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.EQUAL)
            .setValue(value))
        .addSuccess(put)
        .addFailure(put)
        .setRequestId(requestId)
        .build();
  }
}
