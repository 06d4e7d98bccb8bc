package io.raftkv.server.storage;

import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.ResponseHeader;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.ArrayList;
import java.util.List;

/**
 * Range semantics over a {@link KvReader}: limit, keys_only, count_only, and the revision rule. We
 * keep no history (no MVCC), so only the current revision can be read: revision 0 (latest) or the
 * current revision is served; an older one is answered COMPACTED ("revision N is compacted; only
 * the current revision R is retained"), a newer one BAD_REQUEST. Responses stop at
 * {@link #RESPONSE_BYTES_MAX} bytes of key values (with {@code more} set) to stay under gRPC's
 * message limit; the cap is a constant, not a setting, because ranges inside a transaction are
 * computed on every replica and must come out the same.
 */
final class RangeReads {
    static final long RESPONSE_BYTES_MAX = 3L << 20;

    private RangeReads() {}

    static RangeResponse range(KvReader reader, RangeRequest request, long currentRevision) {
        checkRevision(request.getRevision(), currentRevision);
        if (request.getLimit() < 0) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "range limit must be >= 0, got %d", request.getLimit());
        }
        KeyRange range = KeyRange.of(request.getKey(), request.getRangeEnd());
        RangeResponse.Builder response = RangeResponse.newBuilder();
        long[] count = {0};
        long[] bytes = {0};
        range.visit(reader, (key, value) -> {
            count[0]++;
            if (request.getCountOnly()) {
                return true;
            }
            boolean underLimit = request.getLimit() == 0 || response.getKvsCount() < request.getLimit();
            if (underLimit && bytes[0] < RESPONSE_BYTES_MAX) {
                KeyValue keyValue = KeyValues.decode(key, value);
                if (request.getKeysOnly()) {
                    keyValue = keyValue.toBuilder().clearValue().build();
                }
                bytes[0] += keyValue.getSerializedSize();
                response.addKvs(keyValue);
            } else {
                response.setMore(true);
            }
            return true;
        });
        return response.setCount(count[0])
                .setHeader(ResponseHeader.newBuilder().setRevision(currentRevision))
                .build();
    }

    /** Every key value in the range, in key order (for transaction compares). */
    static List<KeyValue> all(KvReader reader, KeyRange range) {
        List<KeyValue> out = new ArrayList<>();
        range.visit(reader, (key, value) -> out.add(KeyValues.decode(key, value)));
        return out;
    }

    static void checkRevision(long requested, long current) {
        if (requested == 0 || requested == current) {
            return;
        }
        if (requested < 0) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "revision must be >= 0, got %d", requested);
        }
        if (requested < current) {
            throw ServerException.of(ErrorCode.COMPACTED,
                    "revision %d is compacted; only the current revision %d is retained", requested, current);
        }
        throw ServerException.of(ErrorCode.BAD_REQUEST,
                "revision %d is a future revision; the current revision is %d", requested, current);
    }
}
