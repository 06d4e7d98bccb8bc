package io.raftkv.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Runs {@link ChaosMain} in-process, as bin/raftkv-chaos would, capturing what it prints. */
final class ChaosTestSupport {
    /** Where the chaos module's surefire configuration puts run directories (target/chaos-runs). */
    static final Path RUNS = Path.of(System.getProperty("raftkv.chaos.out", "target/chaos-runs")).toAbsolutePath();
    static final String SERVER_JAR = System.getProperty("raftkv.server.jar", "../kv-server/target/raftkv-server.jar");

    /** One invocation: exit status, report (if a run completed), stdout and stderr. */
    record Invocation(int status, ChaosReport report, String out, String err) {}

    private ChaosTestSupport() {}

    static Path newRunDirectory(String name) {
        return RUNS.resolve(name + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
    }

    static Invocation invoke(List<String> args) {
        return invoke(args, () -> Preflight.idU(new Shell(null)));
    }

    /** Runs the command line; stdout is also echoed, so CI logs show the run as it goes. */
    static Invocation invoke(List<String> args, Supplier<String> effectiveUserId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> full = new ArrayList<>(args);
        if (!full.contains("--server-jar") && !full.contains("--cleanup")) {
            full.addAll(List.of("--server-jar", SERVER_JAR));
        }
        try (PrintStream outStream = new PrintStream(tee(out, System.out), true, StandardCharsets.UTF_8);
             PrintStream errStream = new PrintStream(tee(err, System.err), true, StandardCharsets.UTF_8)) {
            ChaosMain.Result result = ChaosMain.execute(full, outStream, errStream, Map.of(), effectiveUserId);
            outStream.flush();
            errStream.flush();
            return new Invocation(result.status(), result.report(), out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        }
    }

    private static OutputStream tee(OutputStream one, OutputStream two) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                one.write(b);
                two.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                one.write(bytes, offset, length);
                two.write(bytes, offset, length);
            }

            @Override
            public void flush() throws IOException {
                two.flush();
            }
        };
    }
}
