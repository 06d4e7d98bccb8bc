package io.raftkv.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.proto.api.StreamError;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server side of a KV Stream call, over handlers that answer when the test says. */
class KvStreamCallTest {
    /** Handlers that keep every observer (and the timeout it came with) until the test answers it. */
    private static final class HeldHandlers implements KvHandlers {
        final List<StreamObserver<PutResponse>> puts = new ArrayList<>();
        final List<Long> timeouts = new ArrayList<>();

        @Override
        public void range(RangeRequest request, StreamObserver<RangeResponse> observer, long timeoutMillis) {
            observer.onNext(RangeResponse.newBuilder().setCount(7).build());
            observer.onCompleted();
        }

        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> observer, long timeoutMillis) {
            puts.add(observer);
            timeouts.add(timeoutMillis);
        }

        @Override
        public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer,
                                long timeoutMillis) {
            throw new AssertionError("not used");
        }

        @Override
        public void txn(TxnRequest request, StreamObserver<TxnResponse> observer, long timeoutMillis) {
            throw new AssertionError("not used");
        }

        void answer(int index, long revision) {
            StreamObserver<PutResponse> observer = puts.get(index);
            observer.onNext(PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder().setRevision(revision)).build());
            observer.onCompleted();
        }
    }

    /** Records what the call sends; the cancel handler is the client going away. */
    private static final class Recorder extends ServerCallStreamObserver<StreamResponse> {
        final List<StreamResponse> sent = new ArrayList<>();
        boolean completed;
        Runnable onCancel;

        @Override
        public void onNext(StreamResponse value) {
            assertFalse(completed, "sent after completion");
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError("the call never fails the whole stream", t);
        }

        @Override
        public void onCompleted() {
            assertFalse(completed, "completed twice");
            completed = true;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
            onCancel = onCancelHandler;
        }

        @Override
        public void setCompression(String compression) {}

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}

        @Override
        public void disableAutoInboundFlowControl() {}
    }

    private final HeldHandlers handlers = new HeldHandlers();
    private final Recorder out = new Recorder();

    private static StreamRequest put(long id) {
        return StreamRequest.newBuilder().setId(id).setTimeoutMillis(250)
                .setPut(PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("k" + id))).build();
    }

    @Test
    void answersGoOutUnderTheirRequestsIdsInTheOrderTheyComplete() {
        KvStreamCall call = new KvStreamCall(handlers, out, 10);
        call.onNext(put(1));
        call.onNext(put(2));
        call.onNext(StreamRequest.newBuilder().setId(3).setRange(RangeRequest.getDefaultInstance()).build());
        handlers.answer(1, 11);
        handlers.answer(0, 10);

        assertEquals(List.of(3L, 2L, 1L), out.sent.stream().map(StreamResponse::getId).toList());
        assertEquals(7, out.sent.get(0).getRange().getCount());
        assertEquals(11, out.sent.get(1).getPut().getHeader().getRevision());
        assertEquals(10, out.sent.get(2).getPut().getHeader().getRevision());
        assertEquals(List.of(250L, 250L), handlers.timeouts, "each request's own deadline reaches its handler");
    }

    @Test
    void aRequestBeyondTheInflightCapIsRefusedWithQueueFullAtOnce() {
        KvStreamCall call = new KvStreamCall(handlers, out, 1);
        call.onNext(put(1));
        call.onNext(put(2));

        assertEquals(1, out.sent.size());
        StreamError refused = out.sent.get(0).getError();
        assertEquals(2, out.sent.get(0).getId());
        assertEquals(Status.Code.RESOURCE_EXHAUSTED.value(), refused.getStatusCode());
        assertEquals("QUEUE_FULL", refused.getErrorCode());
        assertEquals(1, handlers.puts.size(), "the refused request never reached its handler");

        handlers.answer(0, 5);
        call.onNext(put(3));
        assertEquals(2, handlers.puts.size(), "an answer frees its place");
    }

    @Test
    void anErrorCarriesWhatTheUnaryStatusAndTrailersWouldSay() {
        KvStreamCall call = new KvStreamCall(handlers, out, 10);
        call.onNext(put(1));
        handlers.puts.get(0).onError(StatusMapper.toStatus(
                new ServerException(ErrorCode.NOT_LEADER, "node 1 is not the leader", 2, "10.0.0.2:2379")));

        StreamError error = out.sent.get(0).getError();
        assertEquals(ErrorCode.NOT_LEADER.statusCode().value(), error.getStatusCode());
        assertEquals("NOT_LEADER", error.getErrorCode());
        assertEquals("node 1 is not the leader", error.getDescription());
        assertEquals(2, error.getNotLeader().getLeaderId());
        assertEquals("10.0.0.2:2379", error.getNotLeader().getLeaderAddress());
    }

    @Test
    void theClientsHalfCloseEndsTheCallOnlyOnceEveryRequestIsAnswered() {
        KvStreamCall call = new KvStreamCall(handlers, out, 10);
        call.onNext(put(1));
        call.onCompleted();
        assertFalse(out.completed, "a request is still in flight");

        handlers.answer(0, 4);
        assertEquals(1, out.sent.size());
        assertTrue(out.completed);
    }

    @Test
    void afterTheClientCancelsAnswersAreDropped() {
        KvStreamCall call = new KvStreamCall(handlers, out, 10);
        call.onNext(put(1));
        out.onCancel.run();
        handlers.answer(0, 4);
        assertTrue(out.sent.isEmpty());
        assertFalse(out.completed);
    }

    @Test
    void aRequestWithoutABodyIsABadRequest() {
        KvStreamCall call = new KvStreamCall(handlers, out, 10);
        call.onNext(StreamRequest.newBuilder().setId(9).build());
        StreamError error = out.sent.get(0).getError();
        assertEquals(9, out.sent.get(0).getId());
        assertEquals("BAD_REQUEST", error.getErrorCode());
        call.onCompleted();
        assertTrue(out.completed, "the refused request no longer counts as in flight");
    }
}
