package io.raftkv.server.storage;

import com.google.protobuf.ByteString;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.util.List;

/**
 * Evaluates a transaction's guards as etcd does: a missing key has version, create_revision and
 * mod_revision 0 and never compares true on its value (not even NOT_EQUAL); with a range_end the
 * compare must hold for every key in the range, and an empty range counts as one missing key.
 * Values compare as unsigned bytes. A target_union member that contradicts the target is refused
 * (BAD_REQUEST); an unset one means 0 or the empty value.
 */
final class TxnCompares {
    private TxnCompares() {}

    static boolean all(KvReader reader, List<Compare> compares) {
        for (Compare compare : compares) {
            if (!holds(reader, compare)) {
                return false;
            }
        }
        return true;
    }

    static boolean holds(KvReader reader, Compare compare) {
        checkTarget(compare);
        KeyRange range = KeyRange.of(compare.getKey(), compare.getRangeEnd());
        List<KeyValue> keyValues = RangeReads.all(reader, range);
        if (keyValues.isEmpty()) {
            return holdsFor(compare, null);
        }
        for (KeyValue keyValue : keyValues) {
            if (!holdsFor(compare, keyValue)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the compare holds for one key's record; {@code keyValue} is null for a missing key. */
    private static boolean holdsFor(Compare compare, KeyValue keyValue) {
        if (compare.getTarget() == Compare.CompareTarget.VALUE && keyValue == null) {
            return false; // a missing key's value compares with nothing, not even NOT_EQUAL
        }
        int order = switch (compare.getTarget()) {
            case VALUE -> ByteString.unsignedLexicographicalComparator().compare(keyValue.getValue(), compare.getValue());
            case VERSION -> Long.compare(keyValue == null ? 0 : keyValue.getVersion(), compare.getVersion());
            case CREATE -> Long.compare(keyValue == null ? 0 : keyValue.getCreateRevision(), compare.getCreateRevision());
            case MOD -> Long.compare(keyValue == null ? 0 : keyValue.getModRevision(), compare.getModRevision());
            case UNRECOGNIZED -> throw ServerException.of(ErrorCode.BAD_REQUEST, "unknown compare target");
        };
        return switch (compare.getResult()) {
            case EQUAL -> order == 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case NOT_EQUAL -> order != 0;
            case UNRECOGNIZED -> throw ServerException.of(ErrorCode.BAD_REQUEST, "unknown compare result");
        };
    }

    private static void checkTarget(Compare compare) {
        Compare.TargetUnionCase expected = switch (compare.getTarget()) {
            case VERSION -> Compare.TargetUnionCase.VERSION;
            case CREATE -> Compare.TargetUnionCase.CREATE_REVISION;
            case MOD -> Compare.TargetUnionCase.MOD_REVISION;
            case VALUE -> Compare.TargetUnionCase.VALUE;
            case UNRECOGNIZED -> throw ServerException.of(ErrorCode.BAD_REQUEST, "unknown compare target");
        };
        Compare.TargetUnionCase actual = compare.getTargetUnionCase();
        if (actual != Compare.TargetUnionCase.TARGETUNION_NOT_SET && actual != expected) {
            throw ServerException.of(ErrorCode.BAD_REQUEST, "compare on key '%s' has target %s but carries %s",
                    compare.getKey().toStringUtf8(), compare.getTarget(), actual);
        }
    }
}
