package io.raftkv.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import org.junit.jupiter.api.Test;

class TxnTest {
  private static final RequestId ID = RequestId.newBuilder().setClientId(9).setSequence(4).build();

  private static Txn<TxnRequest> txn() {
    return new Txn<>(spec -> ProtoCodec.txnRequest(spec).setRequestId(ID).build());
  }

  private static ByteString bytes(String text) {
    return ByteString.copyFromUtf8(text);
  }

  @Test
  void builderProducesTheCompareAndOpsProtos() {
    TxnRequest request = txn()
        .If(Cmp.value("k").equal("v"), Cmp.version("k").greater(3))
        .If(Cmp.modRevision("m").less(10), Cmp.createRevision("c").notEqual(0))
        .Then(Op.put("k", "v2"), Op.get("k"))
        .Else(Op.delete("k"), Op.get(KeyRange.prefix("p"), GetOption.DEFAULT.withLimit(5)))
        .commit();

    TxnRequest expected = TxnRequest.newBuilder()
        .setRequestId(ID)
        .addCompare(Compare.newBuilder().setKey(bytes("k")).setTarget(Compare.CompareTarget.VALUE)
            .setResult(Compare.CompareResult.EQUAL).setValue(bytes("v")))
        .addCompare(Compare.newBuilder().setKey(bytes("k")).setTarget(Compare.CompareTarget.VERSION)
            .setResult(Compare.CompareResult.GREATER).setVersion(3))
        .addCompare(Compare.newBuilder().setKey(bytes("m")).setTarget(Compare.CompareTarget.MOD)
            .setResult(Compare.CompareResult.LESS).setModRevision(10))
        .addCompare(Compare.newBuilder().setKey(bytes("c")).setTarget(Compare.CompareTarget.CREATE)
            .setResult(Compare.CompareResult.NOT_EQUAL).setCreateRevision(0))
        .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes("k")).setValue(bytes("v2"))))
        .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("k"))))
        .addFailure(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes("k"))))
        .addFailure(RequestOp.newBuilder().setRequestRange(
            RangeRequest.newBuilder().setKey(bytes("p")).setRangeEnd(bytes("q")).setLimit(5)))
        .build();
    assertEquals(expected, request);
    assertEquals(Compare.TargetUnionCase.CREATE_REVISION, request.getCompare(3).getTargetUnionCase());
  }

  @Test
  void opsInsideATxnCarryNoRequestIdOfTheirOwn() {
    TxnRequest request = txn().Then(Op.put("k", "v")).commit();
    assertEquals(false, request.getSuccess(0).getRequestPut().hasRequestId());
    assertEquals(ID, request.getRequestId());
  }

  @Test
  void partsMustComeInTheOrderIfThenElse() {
    assertThrows(IllegalStateException.class, () -> txn().Then(Op.get("k")).If(Cmp.version("k").equal(1)));
    assertThrows(IllegalStateException.class, () -> txn().Else(Op.get("k")).Then(Op.get("k")));
  }

  @Test
  void aTxnCommitsOnce() {
    Txn<TxnRequest> txn = txn().Then(Op.get("k"));
    txn.commit();
    assertThrows(IllegalStateException.class, txn::commit);
  }

  @Test
  void aValueCompareRefusesANumber() {
    assertThrows(IllegalArgumentException.class,
        () -> new Cmp(Cmp.Target.VALUE, Cmp.Result.EQUAL, new byte[] {1}, 5, new byte[0]));
  }
}
