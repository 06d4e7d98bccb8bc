package io.raftkv.server;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.Status;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.MaintenanceGrpc;
import java.util.Set;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class CallExecutorsTest {
    private final Executor pool = command -> {
        throw new AssertionError("not run in this test");
    };

    @Test
    void namedMethodsStayOnTheNetworkThreadAndAllOthersMoveToThePool() {
        ServerCallExecutorSupplier supplier = supplierFor(Set.of(KVGrpc.getPutMethod().getFullMethodName()));

        assertNull(supplier.getExecutor(callOf(KVGrpc.getPutMethod()), new Metadata()), "Put stays inline");
        assertSame(pool, supplier.getExecutor(callOf(KVGrpc.getRangeMethod()), new Metadata()));
        assertSame(pool, supplier.getExecutor(callOf(MaintenanceGrpc.getStatusMethod()), new Metadata()));
    }

    private ServerCallExecutorSupplier supplierFor(Set<String> inline) {
        return new CallExecutors(inline, pool);
    }

    private static <Q, A> ServerCall<Q, A> callOf(MethodDescriptor<Q, A> method) {
        return new ServerCall<>() {
            @Override
            public void request(int numMessages) {}

            @Override
            public void sendHeaders(Metadata headers) {}

            @Override
            public void sendMessage(A message) {}

            @Override
            public void close(Status status, Metadata trailers) {}

            @Override
            public boolean isCancelled() {
                return false;
            }

            @Override
            public MethodDescriptor<Q, A> getMethodDescriptor() {
                return method;
            }
        };
    }
}
