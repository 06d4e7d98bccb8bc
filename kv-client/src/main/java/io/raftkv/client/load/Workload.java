package io.raftkv.client.load;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The requests a bench run sends: keys chosen uniformly from a fixed set made up front, one
 * value shared by every put (so an op allocates only its request). Writes carry the request id
 * the caller passes, its slot's session (see {@link Slot}). Immutable; thread-safe.
 */
final class Workload {
  /** The kinds of request, after a mixed run's read-or-write draw. */
  enum Kind { PUT, GET, GET_SERIALIZABLE, TXN_CAS }

  private final BenchOp op;
  private final double readRatio;
  private final ByteString[] keys;
  private final ByteString value;

  Workload(BenchConfig config) {
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

  PutRequest put(ByteString key, RequestId requestId) {
    return PutRequest.newBuilder().setKey(key).setValue(value).setRequestId(requestId).build();
  }

  static RangeRequest get(ByteString key, boolean serializable) {
    return RangeRequest.newBuilder().setKey(key).setSerializable(serializable).build();
  }

  /** If value(k) = V then put(k, V) else put(k, V): the first op on a key takes the else branch. */
  TxnRequest txnCas(ByteString key, RequestId requestId) {
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
