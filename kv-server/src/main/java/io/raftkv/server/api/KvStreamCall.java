package io.raftkv.server.api;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.StreamError;
import io.raftkv.proto.api.StreamRequest;
import io.raftkv.proto.api.StreamResponse;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one KV Stream call. Each request goes to the handler its unary call uses
 * (same validation, timeout, metrics and error mapping), with an observer that answers on the
 * shared stream under the request's id; an error becomes a {@link StreamError} holding what the
 * unary call's status and trailers would have said.
 *
 * <p>Bounded: at most {@code inflightMax} requests unanswered; one beyond it is answered QUEUE_FULL
 * at once. Every request gets exactly one answer, so what gRPC may buffer for a client that does
 * not read is bounded as well. The client's half-close ends the call once every request is
 * answered; after a cancel, answers are dropped.
 *
 * <p>Threads: requests arrive on the network thread; answers come from wherever their futures
 * complete (the apply thread, the read pool, the network thread). gRPC's observer is not
 * thread-safe, so sending and the counts are guarded by one lock.
 */
final class KvStreamCall implements StreamObserver<StreamRequest> {
    private static final Logger log = LoggerFactory.getLogger(KvStreamCall.class);

    private final KvHandlers service;
    private final ServerCallStreamObserver<StreamResponse> out;
    private final int inflightMax;
    private final Object lock = new Object();
    private int inflight;
    private boolean halfClosed;
    /** Completed by us, or cancelled by the client: nothing more is sent. */
    private boolean ended;

    KvStreamCall(KvHandlers service, ServerCallStreamObserver<StreamResponse> out, int inflightMax) {
        this.service = service;
        this.out = out;
        this.inflightMax = inflightMax;
        out.setOnCancelHandler(() -> {
            synchronized (lock) {
                ended = true;
            }
        });
    }

    @Override
    public void onNext(StreamRequest request) {
        long id = request.getId();
        synchronized (lock) {
            if (inflight >= inflightMax) {
                sendLocked(error(id, ServerException.of(ErrorCode.QUEUE_FULL,
                        "%d requests in flight on this stream, the most it takes; retry later", inflightMax)), false);
                return;
            }
            inflight++;
        }
        long timeout = request.getTimeoutMillis();
        switch (request.getRequestCase()) {
            case RANGE -> service.range(request.getRange(), new Answer<>(id, StreamResponse.Builder::setRange), timeout);
            case PUT -> service.put(request.getPut(), new Answer<>(id, StreamResponse.Builder::setPut), timeout);
            case DELETE_RANGE -> service.deleteRange(request.getDeleteRange(),
                    new Answer<>(id, StreamResponse.Builder::setDeleteRange), timeout);
            case TXN -> service.txn(request.getTxn(), new Answer<>(id, StreamResponse.Builder::setTxn), timeout);
            case REQUEST_NOT_SET -> send(error(id, ServerException.of(ErrorCode.BAD_REQUEST,
                    "stream request %d names no request", id)));
        }
    }

    @Override
    public void onError(Throwable error) {
        // The client cancelled or the connection broke: answers still to come have nowhere to go.
        int unanswered;
        synchronized (lock) {
            ended = true;
            unanswered = inflight;
        }
        log.debug("KV stream ended by the client with {} requests in flight: {}", unanswered, error.toString());
    }

    @Override
    public void onCompleted() {
        synchronized (lock) {
            halfClosed = true;
            completeIfDrainedLocked();
        }
    }

    private void send(StreamResponse response) {
        synchronized (lock) {
            sendLocked(response, true);
        }
    }

    private void sendLocked(StreamResponse response, boolean counted) {
        if (counted) {
            inflight--;
        }
        if (!ended) {
            out.onNext(response);
        }
        completeIfDrainedLocked();
    }

    private void completeIfDrainedLocked() {
        if (halfClosed && inflight == 0 && !ended) {
            ended = true;
            out.onCompleted();
        }
    }

    private static StreamResponse error(long id, ServerException error) {
        return error(id, StatusMapper.toStatus(error));
    }

    /** What the unary call's status and trailers would say, as a StreamError. */
    static StreamResponse error(long id, Throwable failure) {
        StatusRuntimeException status = failure instanceof StatusRuntimeException sre ? sre
                : Status.fromThrowable(failure).asRuntimeException();
        StreamError.Builder error = StreamError.newBuilder().setStatusCode(status.getStatus().getCode().value());
        if (status.getStatus().getDescription() != null) {
            error.setDescription(status.getStatus().getDescription());
        }
        Metadata trailers = status.getTrailers();
        if (trailers != null) {
            String code = trailers.get(StatusMapper.ERROR_CODE);
            if (code != null) {
                error.setErrorCode(code);
            }
            NotLeader notLeader = trailers.get(StatusMapper.NOT_LEADER);
            if (notLeader != null) {
                error.setNotLeader(notLeader);
            }
        }
        return StreamResponse.newBuilder().setId(id).setError(error).build();
    }

    /** One request's observer: its one value or error goes out under its id. */
    private final class Answer<T> implements StreamObserver<T> {
        private final long id;
        private final BiConsumer<StreamResponse.Builder, T> setter;

        Answer(long id, BiConsumer<StreamResponse.Builder, T> setter) {
            this.id = id;
            this.setter = setter;
        }

        @Override
        public void onNext(T value) {
            StreamResponse.Builder response = StreamResponse.newBuilder().setId(id);
            setter.accept(response, value);
            send(response.build());
        }

        @Override
        public void onError(Throwable error) {
            send(error(id, error));
        }

        @Override
        public void onCompleted() {
            // onNext answered already: a request has exactly one response.
        }
    }
}
