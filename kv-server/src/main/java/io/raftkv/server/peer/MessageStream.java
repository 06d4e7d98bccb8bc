package io.raftkv.server.peer;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.raftkv.proto.raft.BatchAck;
import io.raftkv.proto.raft.MessageBatch;
import io.raftkv.proto.raft.RaftPeerGrpc;

/**
 * One attempt at the long-lived RaftPeer.Send call to one peer. A failed attempt is never reused:
 * the sender opens a new one, so a late callback from an old call cannot disturb the new.
 *
 * <p>Writes ({@link #write}, {@link #finish}, {@link #cancel}) come from one thread at a time, as
 * gRPC requires for a StreamObserver: the owning {@link PeerConnection} makes them under its write
 * lock, from the raft loop or its sender thread. Callbacks come from gRPC's network thread and only
 * touch the {@link FlowGate}.
 */
final class MessageStream implements ClientResponseObserver<MessageBatch, BatchAck> {
    private final FlowGate gate = new FlowGate();
    private final long openedNanos = System.nanoTime();
    private ClientCallStreamObserver<MessageBatch> requests;

    private MessageStream() {}

    /** Starts the call. It has no deadline on purpose (see {@link PeerConnection}). */
    static MessageStream open(RaftPeerGrpc.RaftPeerStub stub) {
        MessageStream stream = new MessageStream();
        stub.send(stream);
        io.raftkv.raft.Invariants.check(stream.requests != null, "beforeStart was not called by the stub");
        return stream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<MessageBatch> requestStream) {
        requests = requestStream;
        requestStream.setOnReadyHandler(gate::signal);
    }

    @Override
    public void onNext(BatchAck ack) {
        // The server acks only after we half-close; nothing to do.
    }

    @Override
    public void onError(Throwable cause) {
        gate.close(cause);
    }

    @Override
    public void onCompleted() {
        // A server never completes a stream we did not close, except when it is shutting down.
        gate.close(Status.UNAVAILABLE.withDescription("peer closed the stream").asException());
    }

    boolean isReady() {
        return !gate.isClosed() && requests.isReady();
    }

    FlowGate.Outcome awaitReady(long timeoutNanos) throws InterruptedException {
        return gate.awaitReady(requests::isReady, timeoutNanos);
    }

    /** Why the call ended, or null while it is open. */
    Throwable failure() {
        return gate.isClosed() ? gate.cause() : null;
    }

    long ageNanos() {
        return System.nanoTime() - openedNanos;
    }

    void write(MessageBatch batch) {
        requests.onNext(batch);
    }

    /** Half-closes a healthy stream so the peer sees a clean end; cancels one that is not. */
    void finish() {
        if (gate.isClosed()) {
            return;
        }
        requests.onCompleted();
    }

    void cancel(String why, Throwable cause) {
        requests.cancel(why, cause);
        gate.close(cause);
    }
}
