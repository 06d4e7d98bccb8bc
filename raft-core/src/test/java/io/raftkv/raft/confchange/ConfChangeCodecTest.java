package io.raftkv.raft.confchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raftkv.raft.confchange.ConfChange.Change;
import io.raftkv.raft.confchange.ConfChange.ChangeType;
import io.raftkv.raft.confchange.ConfChange.Transition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfChangeCodecTest {
    static Stream<Arguments> changes() {
        List<Change> many = new ArrayList<>();
        for (long id = 1; id <= ConfChangeCodec.CHANGES_MAX; id++) {
            many.add(new Change(ChangeType.values()[(int) (id % 3)], id));
        }
        return Stream.of(
                Arguments.of("leave joint", ConfChange.leaveJoint()),
                Arguments.of("simple add voter", ConfChange.simple(ChangeType.ADD_VOTER, 4)),
                Arguments.of("simple with context", ConfChange.simple(ChangeType.ADD_LEARNER, 5,
                        "10.0.0.5:7000".getBytes(StandardCharsets.UTF_8))),
                Arguments.of("large node id", ConfChange.simple(ChangeType.REMOVE, Long.MAX_VALUE)),
                Arguments.of("joint implicit", new ConfChange(Transition.JOINT_IMPLICIT,
                        List.of(new Change(ChangeType.ADD_VOTER, 4), new Change(ChangeType.REMOVE, 1)))),
                Arguments.of("joint explicit with context", new ConfChange(Transition.JOINT_EXPLICIT,
                        List.of(new Change(ChangeType.ADD_LEARNER, 2)), new byte[] {0, 1, 2, (byte) 255})),
                Arguments.of("the most changes allowed", new ConfChange(Transition.AUTO, many)),
                Arguments.of("the largest context allowed", new ConfChange(Transition.AUTO,
                        List.of(new Change(ChangeType.ADD_VOTER, 1)), new byte[ConfChange.CONTEXT_BYTES_MAX])));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void decodeInvertsEncode(String row, ConfChange change) {
        assertEquals(change, ConfChangeCodec.decode(ConfChangeCodec.encode(change)));
    }

    private static byte[] encoded(byte version, byte transition, byte count, byte type, long id, int contextLength,
                                  int contextBytes) {
        ByteBuffer buffer = ByteBuffer.allocate(3 + 9 + 4 + contextBytes);
        buffer.put(version).put(transition).put(count).put(type).putLong(id).putInt(contextLength);
        return buffer.array();
    }

    private static final byte[] VALID = encoded((byte) 1, (byte) 0, (byte) 1, (byte) 0, 4, 0, 0);

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", new byte[0]),
                Arguments.of("unknown version", encoded((byte) 2, (byte) 0, (byte) 1, (byte) 0, 4, 0, 0)),
                Arguments.of("unknown transition", encoded((byte) 1, (byte) 7, (byte) 1, (byte) 0, 4, 0, 0)),
                Arguments.of("negative transition", encoded((byte) 1, (byte) -1, (byte) 1, (byte) 0, 4, 0, 0)),
                Arguments.of("unknown change type", encoded((byte) 1, (byte) 0, (byte) 1, (byte) 9, 4, 0, 0)),
                Arguments.of("negative count", encoded((byte) 1, (byte) 0, (byte) -1, (byte) 0, 4, 0, 0)),
                Arguments.of("count above the limit", encoded((byte) 1, (byte) 0, (byte) 65, (byte) 0, 4, 0, 0)),
                Arguments.of("more changes than bytes", encoded((byte) 1, (byte) 0, (byte) 3, (byte) 0, 4, 0, 0)),
                Arguments.of("node id zero", encoded((byte) 1, (byte) 0, (byte) 1, (byte) 0, 0, 0, 0)),
                Arguments.of("negative node id", encoded((byte) 1, (byte) 0, (byte) 1, (byte) 0, -4, 0, 0)),
                Arguments.of("negative context length", encoded((byte) 1, (byte) 0, (byte) 1, (byte) 0, 4, -1, 0)),
                Arguments.of("context longer than the bytes", encoded((byte) 1, (byte) 0, (byte) 1, (byte) 0, 4, 10, 3)),
                Arguments.of("truncated", Arrays.copyOf(VALID, VALID.length - 2)),
                Arguments.of("trailing bytes", Arrays.copyOf(VALID, VALID.length + 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedBytesAreRejected(String row, byte[] bytes) {
        assertThrows(IllegalArgumentException.class, () -> ConfChangeCodec.decode(bytes));
    }

    @Test
    void theValidSampleDecodes() {
        assertEquals(ConfChange.simple(ChangeType.ADD_VOTER, 4), ConfChangeCodec.decode(VALID));
    }

    @Test
    void tooManyChangesAreRefusedWhenEncoding() {
        List<Change> tooMany = new ArrayList<>();
        for (long id = 1; id <= ConfChangeCodec.CHANGES_MAX + 1; id++) {
            tooMany.add(new Change(ChangeType.ADD_LEARNER, id));
        }
        assertThrows(IllegalArgumentException.class, () -> ConfChangeCodec.encode(new ConfChange(Transition.AUTO, tooMany)));
    }

    @Test
    void aContextAboveTheLimitIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ConfChange(Transition.AUTO, List.of(),
                new byte[ConfChange.CONTEXT_BYTES_MAX + 1]));
    }
}
