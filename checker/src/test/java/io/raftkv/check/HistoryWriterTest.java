package io.raftkv.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryWriterTest {

    @Test
    void eventsAreWrittenAsTheJsonLinesTheReaderReads() throws IOException {
        StringWriter text = new StringWriter();
        AtomicLong clock = new AtomicLong(100);
        try (HistoryWriter writer = new HistoryWriter(text, clock::incrementAndGet)) {
            writer.invoke(3, "k1", Call.cas(1, 2));
            writer.invoke(4, "k\"2", Call.read());
            writer.ok(4, "k\"2", Call.read(null));
            writer.fail(3, "k1", Call.cas(1, 2));
            writer.invoke(5, "k1", Call.write("x\ny"));
            writer.info(5, "k1", Call.write("x\ny"));
        }
        List<String> lines = text.toString().lines().toList();
        assertEquals("{\"process\":3,\"type\":\"invoke\",\"f\":\"cas\",\"key\":\"k1\",\"value\":[1,2],\"time\":101}", lines.get(0));
        assertEquals("{\"process\":4,\"type\":\"invoke\",\"f\":\"read\",\"key\":\"k\\\"2\",\"time\":102}", lines.get(1));
        assertEquals("{\"process\":4,\"type\":\"ok\",\"f\":\"read\",\"key\":\"k\\\"2\",\"value\":null,\"time\":103}", lines.get(2));
        History history = HistoryReader.parse(lines);
        assertEquals(List.of(Outcome.FAIL, Outcome.OK, Outcome.INFO),
                history.operations().stream().map(Operation::outcome).toList());
        assertEquals(Call.write("x\ny"), history.operations().get(2).call());
        assertEquals("k\"2", history.operations().get(1).key());
    }

    @Test
    void concurrentClientsProduceOneValidHistoryWithTimesInFileOrder(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("history.jsonl");
        int clients = 8;
        int operationsPerClient = 500;
        AtomicInteger register = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try (HistoryWriter writer = HistoryWriter.create(file)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int client = 0; client < clients; client++) {
                int process = client;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < operationsPerClient; i++) {
                        if (i % 2 == 0) {
                            int value = process * operationsPerClient + i + 1;
                            writer.invoke(process, "k", Call.write(value));
                            register.set(value);
                            writer.ok(process, "k", Call.write(value));
                        } else {
                            writer.invoke(process, "k", Call.read());
                            int seen = register.get();
                            writer.ok(process, "k", Call.read(seen == 0 ? null : seen));
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        History history = HistoryReader.read(file);
        assertEquals(clients * operationsPerClient, history.size());
        long previous = Long.MIN_VALUE;
        for (Operation operation : history.operations()) {
            long time = operation.invoke().time().orElseThrow();
            assertTrue(time >= previous, "times follow file order");
            previous = time;
        }
        // An atomic register is linearizable, so the history its clients recorded must be too.
        CheckResult result = LinearizabilityChecker.check(history, Duration.ofSeconds(30));
        assertInstanceOf(Verdict.Linearizable.class, result.verdict(), result::report);
    }

    @Test
    void writingAfterCloseIsAnError() throws IOException {
        HistoryWriter writer = new HistoryWriter(new StringWriter(), System::nanoTime);
        writer.close();
        assertThrows(IllegalStateException.class, () -> writer.invoke(1, "k", Call.read()));
    }
}
