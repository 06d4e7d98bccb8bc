package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.proto.api.ResponseOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.ArrayList;
import java.util.List;

/**
 * One write command (Put, DeleteRange or Txn) against the apply batch, with etcd's revision rules:
 * the command's writes all carry revision {@code current + 1}, and the store's revision moves there
 * only if something changed (a Put always does; a DeleteRange only if it deleted a key; a Txn
 * counts once, however many writes it makes). A key's version is 1 on create and +1 per put; a
 * delete removes the key, so a later put recreates it with version 1 and a new create revision.
 * Deterministic failures throw {@link ServerException}; the caller rolls the batch back to its
 * save point. Not thread-safe; one per command.
 */
final class KvWrites {
    private final ApplyBatch batch;
    private final long currentRevision;
    private final long writeRevision;
    private boolean wrote;

    KvWrites(ApplyBatch batch, long currentRevision) {
        this.batch = batch;
        this.currentRevision = currentRevision;
        this.writeRevision = currentRevision + 1;
    }

    /** The store's revision after this command. */
    long revisionAfter() {
        return wrote ? writeRevision : currentRevision;
    }

    PutResponse put(PutRequest request) {
        PutResponse.Builder response = putOp(request);
        return response.setHeader(header()).build();
    }

    DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        DeleteRangeResponse.Builder response = deleteRangeOp(request);
        return response.setHeader(header()).build();
    }

    TxnResponse txn(TxnRequest request) {
        boolean succeeded = TxnCompares.all(batch, request.getCompareList());
        List<RequestOp> ops = succeeded ? request.getSuccessList() : request.getFailureList();
        List<ResponseOp.Builder> responses = new ArrayList<>(ops.size());
        for (RequestOp op : ops) {
            responses.add(switch (op.getRequestCase()) {
                case REQUEST_PUT -> ResponseOp.newBuilder().setResponsePut(putOp(op.getRequestPut()));
                case REQUEST_DELETE_RANGE -> ResponseOp.newBuilder().setResponseDeleteRange(deleteRangeOp(op.getRequestDeleteRange()));
                case REQUEST_RANGE -> ResponseOp.newBuilder().setResponseRange(
                        RangeReads.range(batch, op.getRequestRange(), currentRevision).toBuilder());
                case REQUEST_NOT_SET -> throw ServerException.of(ErrorCode.BAD_REQUEST, "txn op %d has no request", responses.size());
            });
        }
        // Every response of the txn reports the revision the txn leaves, known only now.
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(succeeded).setHeader(header());
        for (ResponseOp.Builder op : responses) {
            switch (op.getResponseCase()) {
                case RESPONSE_PUT -> op.getResponsePutBuilder().setHeader(header());
                case RESPONSE_DELETE_RANGE -> op.getResponseDeleteRangeBuilder().setHeader(header());
                case RESPONSE_RANGE -> op.getResponseRangeBuilder().setHeader(header());
                case RESPONSE_NOT_SET -> throw new AssertionError("invariant violated: txn response op without a response");
            }
            response.addResponses(op);
        }
        return response.build();
    }

    private PutResponse.Builder putOp(PutRequest request) {
        ByteString key = request.getKey();
        if (key.isEmpty()) {
            throw ServerException.of(ErrorCode.KEY_EMPTY, "put of an empty key");
        }
        // Only prev_kv needs the old value; the revisions alone usually come from the cache.
        KeyValue previousRecord = request.getPrevKv() ? batch.record(key) : null;
        KeyVersion previous = request.getPrevKv() ? KeyVersion.of(previousRecord) : batch.keyVersion(key);
        batch.putRecord(key, KeyValue.newBuilder()
                .setCreateRevision(previous.exists() ? previous.createRevision() : writeRevision)
                .setModRevision(writeRevision)
                .setVersion(previous.version() + 1)
                .setValue(request.getValue())
                .build());
        wrote = true;
        PutResponse.Builder response = PutResponse.newBuilder();
        if (previousRecord != null) {
            response.setPrevKv(previousRecord);
        }
        return response;
    }

    private DeleteRangeResponse.Builder deleteRangeOp(DeleteRangeRequest request) {
        KeyRange range = KeyRange.of(request.getKey(), request.getRangeEnd());
        // Collect first: deleting while iterating the batch would invalidate the iterator.
        List<KeyValue> doomed = RangeReads.all(batch, range);
        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder().setDeleted(doomed.size());
        for (KeyValue keyValue : doomed) {
            batch.deleteRecord(keyValue.getKey());
            if (request.getPrevKv()) {
                response.addPrevKvs(keyValue);
            }
        }
        if (!doomed.isEmpty()) {
            wrote = true;
        }
        return response;
    }

    private ResponseHeader header() {
        return ResponseHeader.newBuilder().setRevision(revisionAfter()).build();
    }
}
