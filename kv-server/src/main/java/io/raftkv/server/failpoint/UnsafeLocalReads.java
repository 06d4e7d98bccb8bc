package io.raftkv.server.failpoint;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.StreamRequest;

/**
 * DELIBERATELY BROKEN, test only ({@code --unsafe-broken-reads}): turns every Range into a
 * serializable one (in unary calls and in Stream calls alike), so "linearizable" reads are answered from the node's local state without a
 * ReadIndex round. A partitioned or paused (old) leader then serves stale values (the bug of
 * etcd-io/etcd#20418). It exists so the chaos harness can prove that it detects such a bug; no
 * real deployment may set it. Stateless and thread-safe.
 */
public final class UnsafeLocalReads implements ServerInterceptor {

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        String method = call.getMethodDescriptor().getFullMethodName();
        boolean unary = KVGrpc.getRangeMethod().getFullMethodName().equals(method);
        if (!unary && !KVGrpc.getStreamMethod().getFullMethodName().equals(method)) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                Object local = unary ? local((RangeRequest) message) : local((StreamRequest) message);
                @SuppressWarnings("unchecked")
                Q rewritten = (Q) local;
                super.onMessage(rewritten);
            }
        };
    }

    private static RangeRequest local(RangeRequest request) {
        return request.toBuilder().setSerializable(true).build();
    }

    private static StreamRequest local(StreamRequest request) {
        return request.hasRange() ? request.toBuilder().setRange(local(request.getRange())).build() : request;
    }
}
