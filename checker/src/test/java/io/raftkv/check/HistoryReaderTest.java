package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HistoryReaderTest {
    private static final String INVOKE_WRITE = "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":1}";
    private static final String OK_WRITE = "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":1}";

    @Test
    void aWellFormedHistoryIsPairedIntoOperationsInInvocationOrder() {
        History history = HistoryReader.parse(List.of(
                "{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k1\",\"value\":[1,2],\"time\":123456}",
                "{\"process\":4,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k1\"}",
                "",
                "{\"process\":4,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k1\",\"value\":null,\"node\":\"n2\"}",
                "{\"process\":3,\"type\":\"info\",\"f\":\"cas\",\"key\":\"k1\",\"value\":[1,2]}",
                "{\"process\":5,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k2\",\"value\":\"a \\\"b\\\"\"}"));
        assertEquals(3, history.size());
        Operation cas = history.operations().get(0);
        assertEquals(new Call.Cas(new Value.Int(1), new Value.Int(2)), cas.call());
        assertEquals(Outcome.INFO, cas.outcome());
        assertEquals(new Position(0, 1, OptionalLong.of(123456)), cas.invoke());
        assertEquals(5, cas.complete().orElseThrow().line());
        Operation read = history.operations().get(1);
        assertEquals(new Call.Read(Optional.of(Value.NIL)), read.call());
        assertEquals(Outcome.OK, read.outcome());
        assertEquals(4, read.complete().orElseThrow().line(), "blank lines still count");
        Operation write = history.operations().get(2);
        assertEquals(new Call.Write(new Value.Str("a \"b\"")), write.call());
        assertEquals(Outcome.PENDING, write.outcome());
    }

    @Test
    void stringsAndIntegersStayDistinct() {
        History history = HistoryReader.parse(List.of(
                "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\"1\"}",
                "{\"process\":2,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":1}"));
        assertEquals(new Call.Write(new Value.Str("1")), history.operations().get(0).call());
        assertEquals(new Call.Write(new Value.Int(1)), history.operations().get(1).call());
    }

    @Test
    void aProcessMayInvokeAgainAfterAnInfo() {
        History history = HistoryReader.parse(List.of(INVOKE_WRITE,
                "{\"process\":1,\"type\":\"info\",\"f\":\"write\",\"key\":\"k\"}", INVOKE_WRITE, OK_WRITE));
        assertEquals(List.of(Outcome.INFO, Outcome.OK), history.operations().stream().map(Operation::outcome).toList());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bad JSON                     | {"process":1,"type":"invoke",                                            | bad JSON at column 30
            not an object                | [1,2]                                                                    | expected a JSON object
            unknown type                 | {"process":1,"type":"start","f":"read","key":"k"}                        | unknown type "start" (expected invoke, ok, fail or info)
            unknown f                    | {"process":1,"type":"invoke","f":"delete","key":"k"}                     | unknown f "delete" (expected read, write or cas)
            missing key                  | {"process":1,"type":"invoke","f":"read"}                                 | missing "key"
            missing process              | {"type":"invoke","f":"read","key":"k"}                                   | missing "process"
            process not an integer       | {"process":"p1","type":"invoke","f":"read","key":"k"}                    | "process" must be a 32-bit integer
            cas value not an array       | {"process":1,"type":"invoke","f":"cas","key":"k","value":1}              | a cas value must be a 2-element array [expected, new], got 1
            cas value of three           | {"process":1,"type":"invoke","f":"cas","key":"k","value":[1,2,3]}        | a cas value must be a 2-element array [expected, new], got an array of 3
            cas without value            | {"process":1,"type":"invoke","f":"cas","key":"k"}                        | a cas value must be a 2-element array [expected, new]
            write without value          | {"process":1,"type":"invoke","f":"write","key":"k"}                      | a write invoke needs one value
            fractional value             | {"process":1,"type":"invoke","f":"write","key":"k","value":1.5}          | a value must be a string, an integer (64-bit) or null, got 1.5
            boolean value                | {"process":1,"type":"invoke","f":"write","key":"k","value":true}         | a value must be a string, an integer (64-bit) or null, got true
            time not an integer          | {"process":1,"type":"invoke","f":"read","key":"k","time":"now"}          | "time" must be a 64-bit integer
            completion without invoke    | {"process":1,"type":"ok","f":"read","key":"k","value":1}                 | completion (ok) without a pending invoke for process 1
            duplicate field              | {"process":1,"process":2,"type":"invoke","f":"read","key":"k"}           | duplicate field "process"
            """)
    void aMalformedFirstLineIsRejectedWithItsLineNumber(String name, String line, String message) {
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class,
                () -> HistoryReader.parse(List.of(line)));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().startsWith("line 1: "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void aSecondInvokeOnAProcessWithOnePendingIsRejectedWithBothLines() {
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class,
                () -> HistoryReader.parse(List.of(INVOKE_WRITE, "", INVOKE_WRITE)));
        assertEquals(3, e.line());
        assertEquals("line 3: process 1 invokes again while its write invoked at line 1 is still pending", e.getMessage());
    }

    @Test
    void aReadOkWithoutTheValueReadIsRejected() {
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class, () -> HistoryReader.parse(List.of(
                "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\"}",
                "{\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\"}")));
        assertEquals("line 2: a read's ok must carry the value read (null for a missing key)", e.getMessage());
    }

    @Test
    void aCompletionForAnotherKeyOrCommandIsRejected() {
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class, () -> HistoryReader.parse(List.of(
                INVOKE_WRITE, "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"other\",\"value\":1}")));
        assertTrue(e.getMessage().startsWith("line 2: ok for write on key \"other\" does not match the pending write on key \"k\""),
                e.getMessage());
    }

    @Test
    void aCompletionWhoseValueDiffersFromItsInvokeIsRejected() {
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class, () -> HistoryReader.parse(List.of(
                INVOKE_WRITE, "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"key\":\"k\",\"value\":2}")));
        assertEquals("line 2: the completion's value [2] differs from the invoke's [1]", e.getMessage());
    }

    @Test
    void theLineNumberCountsEveryLineOfTheFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("history.jsonl");
        Files.write(file, List.of(INVOKE_WRITE, OK_WRITE, "", "   ", "{\"process\":1,\"type\":\"fail\",\"f\":\"write\",\"key\":\"k\"}"));
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class, () -> HistoryReader.read(file));
        assertEquals(5, e.line());
    }

    @Test
    void anOverlongLineIsRejected() {
        String line = "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k\",\"value\":\""
                + "x".repeat(HistoryReader.LINE_CHARS_MAX) + "\"}";
        MalformedHistoryException e = assertThrows(MalformedHistoryException.class, () -> HistoryReader.parse(List.of(line)));
        assertTrue(e.getMessage().startsWith("line 1: line longer than"), e.getMessage());
    }
}
