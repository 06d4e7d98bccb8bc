package io.raftkv.client;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.MemberAddResponse;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.ResponseOp;
import io.raftkv.proto.api.StatusResponse;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Converts between the public value records and the client API protos; protobuf stops here.
 * Stateless.
 */
final class ProtoCodec {
  private ProtoCodec() {}

  static RangeRequest rangeRequest(KeyRange range, GetOption option) {
    return RangeRequest.newBuilder()
        .setKey(ByteString.copyFrom(range.keyUnsafe()))
        .setRangeEnd(ByteString.copyFrom(range.rangeEndUnsafe()))
        .setLimit(option.limit())
        .setRevision(option.revision())
        .setSerializable(option.serializable())
        .setKeysOnly(option.keysOnly())
        .setCountOnly(option.countOnly())
        .build();
  }

  /**
   * A put without its request id: the caller sets that once the write has its session slot. The
   * key and value are copied here, so the caller's arrays may change afterwards.
   */
  static PutRequest.Builder putRequest(byte[] key, byte[] value, PutOption option) {
    return PutRequest.newBuilder()
        .setKey(ByteString.copyFrom(key))
        .setValue(ByteString.copyFrom(value))
        .setPrevKv(option.prevKv());
  }

  /** A delete without its request id, as {@link #putRequest}. */
  static DeleteRangeRequest.Builder deleteRequest(KeyRange range, DeleteOption option) {
    return DeleteRangeRequest.newBuilder()
        .setKey(ByteString.copyFrom(range.keyUnsafe()))
        .setRangeEnd(ByteString.copyFrom(range.rangeEndUnsafe()))
        .setPrevKv(option.prevKv());
  }

  /** A txn without its request id, as {@link #putRequest}. */
  static TxnRequest.Builder txnRequest(TxnSpec spec) {
    TxnRequest.Builder builder = TxnRequest.newBuilder();
    for (Cmp cmp : spec.compares()) {
      builder.addCompare(compare(cmp));
    }
    for (Op op : spec.success()) {
      builder.addSuccess(requestOp(op));
    }
    for (Op op : spec.failure()) {
      builder.addFailure(requestOp(op));
    }
    return builder;
  }

  static Compare compare(Cmp cmp) {
    Compare.Builder builder = Compare.newBuilder()
        .setKey(ByteString.copyFrom(cmp.keyUnsafe()))
        .setResult(switch (cmp.result()) {
          case EQUAL -> Compare.CompareResult.EQUAL;
          case NOT_EQUAL -> Compare.CompareResult.NOT_EQUAL;
          case GREATER -> Compare.CompareResult.GREATER;
          case LESS -> Compare.CompareResult.LESS;
        });
    // The proto wants target and the matching oneof member set together.
    return switch (cmp.target()) {
      case VERSION -> builder.setTarget(Compare.CompareTarget.VERSION).setVersion(cmp.number()).build();
      case CREATE_REVISION -> builder.setTarget(Compare.CompareTarget.CREATE).setCreateRevision(cmp.number()).build();
      case MOD_REVISION -> builder.setTarget(Compare.CompareTarget.MOD).setModRevision(cmp.number()).build();
      case VALUE -> builder.setTarget(Compare.CompareTarget.VALUE).setValue(ByteString.copyFrom(cmp.valueUnsafe())).build();
    };
  }

  /** Ops inside a Txn carry no request id: the Txn's own id counts. */
  static RequestOp requestOp(Op op) {
    return switch (op) {
      case Op.Put put -> RequestOp.newBuilder()
          .setRequestPut(putRequest(put.keyUnsafe(), put.valueUnsafe(), put.option()))
          .build();
      case Op.Get get -> RequestOp.newBuilder().setRequestRange(rangeRequest(get.range(), get.option())).build();
      case Op.Delete delete -> RequestOp.newBuilder()
          .setRequestDeleteRange(deleteRequest(delete.range(), delete.option()))
          .build();
    };
  }

  static KeyValue keyValue(io.raftkv.proto.api.KeyValue kv) {
    return new KeyValue(
        kv.getKey().toByteArray(), kv.getValue().toByteArray(), kv.getCreateRevision(), kv.getModRevision(), kv.getVersion());
  }

  static List<KeyValue> keyValues(List<io.raftkv.proto.api.KeyValue> kvs) {
    List<KeyValue> result = new ArrayList<>(kvs.size());
    for (io.raftkv.proto.api.KeyValue kv : kvs) {
      result.add(keyValue(kv));
    }
    return result;
  }

  static GetResult getResult(RangeResponse response) {
    // count is "keys in the range regardless of limit"; a server that leaves it 0 still returned kvs.
    long count = Math.max(response.getCount(), response.getKvsCount());
    return new GetResult(keyValues(response.getKvsList()), response.getMore(), count, response.getHeader().getRevision());
  }

  static PutResult putResult(PutResponse response) {
    Optional<KeyValue> prev = response.hasPrevKv() ? Optional.of(keyValue(response.getPrevKv())) : Optional.empty();
    return new PutResult(response.getHeader().getRevision(), prev);
  }

  static DeleteResult deleteResult(DeleteRangeResponse response) {
    return new DeleteResult(response.getDeleted(), keyValues(response.getPrevKvsList()), response.getHeader().getRevision());
  }

  static TxnResult txnResult(TxnResponse response) {
    List<OpResult> results = new ArrayList<>(response.getResponsesCount());
    for (ResponseOp op : response.getResponsesList()) {
      results.add(switch (op.getResponseCase()) {
        case RESPONSE_RANGE -> getResult(op.getResponseRange());
        case RESPONSE_PUT -> putResult(op.getResponsePut());
        case RESPONSE_DELETE_RANGE -> deleteResult(op.getResponseDeleteRange());
        case RESPONSE_NOT_SET -> throw new IllegalStateException("server sent a txn response op with no response set");
      });
    }
    return new TxnResult(response.getSucceeded(), results, response.getHeader().getRevision());
  }

  static Member member(io.raftkv.proto.api.Member member) {
    return new Member(member.getId(), member.getName(), member.getPeerUrl(), member.getClientUrl(), member.getIsLearner());
  }

  static List<Member> members(List<io.raftkv.proto.api.Member> members) {
    List<Member> result = new ArrayList<>(members.size());
    for (io.raftkv.proto.api.Member member : members) {
      result.add(member(member));
    }
    return result;
  }

  static MemberAddResult memberAddResult(MemberAddResponse response) {
    return new MemberAddResult(member(response.getMember()), members(response.getMembersList()));
  }

  static StatusResult statusResult(String endpoint, StatusResponse response) {
    return new StatusResult(
        response.getMemberId(),
        endpoint,
        response.getLeader(),
        response.getRaftTerm(),
        response.getCommitIndex(),
        response.getAppliedIndex(),
        response.getRaftState(),
        response.getDbSize(),
        response.getVersion(),
        response.getErrorsList(),
        response.getHeader().getRevision());
  }
}
