package io.raftkv.server.failpoint;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.RangeRequest;

/**
 * DELIBERATELY BROKEN, test only ({@code --unsafe-broken-reads}): turns every Range into a
 * serializable one, so "linearizable" reads are answered from the node's local state without a
 * ReadIndex round. A partitioned or paused (old) leader then serves stale values (the bug of
 * etcd-io/etcd#20418). It exists so the chaos harness can prove that it detects such a bug; no
 * real deployment may set it. Stateless and thread-safe.
 */
public final class UnsafeLocalReads implements ServerInterceptor {

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                      ServerCallHandler<Q, A> next) {
        ServerCall.Listener<Q> listener = next.startCall(call, headers);
        if (!KVGrpc.getRangeMethod().getFullMethodName().equals(call.getMethodDescriptor().getFullMethodName())) {
            return listener;
        }
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
                RangeRequest local = ((RangeRequest) message).toBuilder().setSerializable(true).build();
                @SuppressWarnings("unchecked")
                Q rewritten = (Q) local;
                super.onMessage(rewritten);
            }
        };
    }
}
