package io.raftkv.server.api;

import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;

/**
 * The four KV requests as a {@link KvStreamCall} hands them on: each observer gets one value then
 * completion, or one error, as in a unary call. {@code timeoutMillis} is the deadline the request
 * carries (0: none) or {@link Responder#FROM_CALL} for a unary call's own deadline.
 */
interface KvHandlers {
    void range(RangeRequest request, StreamObserver<RangeResponse> observer, long timeoutMillis);

    void put(PutRequest request, StreamObserver<PutResponse> observer, long timeoutMillis);

    void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer, long timeoutMillis);

    void txn(TxnRequest request, StreamObserver<TxnResponse> observer, long timeoutMillis);
}
