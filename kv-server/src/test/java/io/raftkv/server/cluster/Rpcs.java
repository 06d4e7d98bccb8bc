package io.raftkv.server.cluster;

import com.google.protobuf.ByteString;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.raftkv.proto.api.DeleteRangeRequest;
import io.raftkv.proto.api.KVGrpc;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.NotLeader;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.server.api.StatusMapper;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.function.Executable;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small helpers for talking to nodes over raw gRPC stubs and reading their error trailers. Stateless. */
final class Rpcs {
    /** Answers that mean "ask the leader again": nothing took effect, or a write's outcome is unknown. */
    private static final Set<String> LEADERSHIP_MOVED = Set.of("NOT_LEADER", "NO_LEADER", "LEADER_CHANGED");

    private Rpcs() {}

    static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    static String text(ByteString bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static PutRequest put(String key, String value) {
        return PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build();
    }

    static RangeRequest get(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    static RangeRequest getSerializable(String key) {
        return RangeRequest.newBuilder().setKey(bytes(key)).setSerializable(true).build();
    }

    /** Every key starting with {@code prefix} (the prefix must not end in byte 0xff). */
    static RangeRequest prefix(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return RangeRequest.newBuilder().setKey(bytes(prefix)).setRangeEnd(ByteString.copyFrom(end)).build();
    }

    /** Every key in the store. */
    static RangeRequest everything() {
        ByteString zero = ByteString.copyFrom(new byte[] {0});
        return RangeRequest.newBuilder().setKey(zero).setRangeEnd(zero).build();
    }

    static DeleteRangeRequest delete(String key) {
        return DeleteRangeRequest.newBuilder().setKey(bytes(key)).build();
    }

    /** The key's current value, linearizably, or empty when it is missing. */
    static Optional<KeyValue> read(KVGrpc.KVBlockingStub kv, String key) {
        RangeResponse response = kv.range(get(key));
        return response.getKvsCount() == 0 ? Optional.empty() : Optional.of(response.getKvs(0));
    }

    static PutResponse write(KVGrpc.KVBlockingStub kv, String key, String value) {
        return kv.put(put(key, value));
    }

    /** The {@code raftkv-error} trailer (an ErrorCode name), or null when the answer has none. */
    static String errorCode(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        return trailers == null ? null : trailers.get(StatusMapper.ERROR_CODE);
    }

    /** The {@code raftkv-not-leader-bin} trailer, or null. */
    static NotLeader notLeader(StatusRuntimeException e) {
        Metadata trailers = e.getTrailers();
        return trailers == null ? null : trailers.get(StatusMapper.NOT_LEADER);
    }

    static boolean leadershipMoved(StatusRuntimeException e) {
        String code = errorCode(e);
        return code != null && LEADERSHIP_MOVED.contains(code);
    }

    /** Runs {@code call}, which must fail with a gRPC status, and returns it. */
    static StatusRuntimeException refused(Executable call) {
        return assertThrows(StatusRuntimeException.class, call);
    }

    static String describe(StatusRuntimeException e) {
        Status status = e.getStatus();
        return status.getCode() + " " + errorCode(e) + ": " + status.getDescription();
    }
}
