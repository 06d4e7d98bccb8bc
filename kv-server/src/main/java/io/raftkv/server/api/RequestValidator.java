package io.raftkv.server.api;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;

/** Checks every client request against the limits; a bad one is refused before it changes anything. */
public final class RequestValidator {
    private final RequestLimits limits;

    public RequestValidator(RequestLimits limits) {
        this.limits = limits;
    }

    public void checkPut(PutRequest request) {
        checkKey(request.getKey());
        if (request.getValue().size() > limits.valueBytesMax()) {
            throw ServerException.of(ErrorCode.VALUE_TOO_LARGE, "value of %d bytes exceeds the limit of %d bytes",
                    request.getValue().size(), limits.valueBytesMax());
        }
        checkRequestId(request.getRequestId());
    }

    public void checkRange(RangeRequest request) {
        checkKey(request.getKey());
        checkRangeEnd(request.getRangeEnd());
        if (request.getLimit() < 0) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "limit must be >= 0, got %d", request.getLimit());
        }
        if (request.getRevision() < 0) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "revision must be >= 0, got %d", request.getRevision());
        }
    }

    public void checkDelete(DeleteRangeRequest request) {
        checkKey(request.getKey());
        checkRangeEnd(request.getRangeEnd());
        checkRequestId(request.getRequestId());
    }

    public void checkTxn(TxnRequest request) {
        int ops = request.getCompareCount() + request.getSuccessCount() + request.getFailureCount();
        if (ops > limits.txnOpsMax()) {
            throw ServerException.of(ErrorCode.TOO_MANY_OPS, "txn has %d compares and operations, more than the limit of %d",
                    ops, limits.txnOpsMax());
        }
        for (Compare compare : request.getCompareList()) {
            checkKey(compare.getKey());
            checkRangeEnd(compare.getRangeEnd());
            if (compare.getTargetUnionCase() == Compare.TargetUnionCase.TARGETUNION_NOT_SET) {
                throw ServerException.of(ErrorCode.BAD_REQUEST, "compare on key %s has no value to compare with",
                        printable(compare.getKey()));
            }
        }
        for (RequestOp op : request.getSuccessList()) {
            checkOp(op);
        }
        for (RequestOp op : request.getFailureList()) {
            checkOp(op);
        }
        checkRequestId(request.getRequestId());
    }

    private void checkOp(RequestOp op) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut().toBuilder().clearRequestId().build());
            case REQUEST_DELETE_RANGE -> checkDelete(op.getRequestDeleteRange().toBuilder().clearRequestId().build());
            case REQUEST_NOT_SET -> throw ServerException.of(ErrorCode.BAD_REQUEST, "txn operation has no request set");
        }
    }

    private void checkKey(ByteString key) {
        if (key.isEmpty()) {
            throw ServerException.of(ErrorCode.KEY_EMPTY, "key is empty");
        }
        if (key.size() > limits.keyBytesMax()) {
            throw ServerException.of(ErrorCode.KEY_TOO_LARGE, "key of %d bytes exceeds the limit of %d bytes",
                    key.size(), limits.keyBytesMax());
        }
    }

    private void checkRangeEnd(ByteString rangeEnd) {
        if (rangeEnd.size() > limits.keyBytesMax()) {
            throw ServerException.of(ErrorCode.KEY_TOO_LARGE, "range end of %d bytes exceeds the limit of %d bytes",
                    rangeEnd.size(), limits.keyBytesMax());
        }
    }

    private static void checkRequestId(RequestId id) {
        if (id.getClientId() != 0 && id.getSequence() == 0) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "request id of client %s has sequence 0; sequences start at 1",
                    Long.toUnsignedString(id.getClientId()));
        }
    }

    private static String printable(ByteString key) {
        String text = key.toStringUtf8();
        return text.length() > 64 ? text.substring(0, 64) + "..." : text;
    }
}
