package io.raftkv.chaos;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bin/raftkv-chaos}: parses the flags, checks the host ({@link Preflight}) before creating
 * anything, runs the chaos ({@link ChaosRun}), prints the summary and the final line, and exits 0
 * only if the history is linearizable, no acknowledged write was lost and no node died by itself
 * (a crash the harness did not cause is a finding too). A shutdown hook removes
 * namespaces, bridge, rules and node processes if the run is interrupted (Ctrl-C);
 * {@code --cleanup} does the same for a run that was killed outright.
 */
public final class ChaosMain {
    static final int EXIT_PASSED = 0;
    static final int EXIT_VIOLATION = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_HARNESS_FAILED = 3;

    /** The exit status and, when a run completed, its report. */
    record Result(int status, ChaosReport report) {}

    private ChaosMain() {}

    public static void main(String[] args) {
        Result result = execute(List.of(args), System.out, System.err, System.getenv(), () -> Preflight.idU(new Shell(null)));
        System.out.flush();
        System.exit(result.status());
    }

    /**
     * Runs the command line and returns instead of exiting, so tests can call it.
     *
     * @param effectiveUserId what {@code id -u} says (tests pretend not to be root)
     */
    static Result execute(List<String> args, PrintStream out, PrintStream err, Map<String, String> environment,
                          Supplier<String> effectiveUserId) {
        ChaosArguments.Request request;
        try {
            request = ChaosArguments.parse(args, environment, LocalDateTime.now());
        } catch (IllegalArgumentException e) {
            err.println("raftkv-chaos: " + e.getMessage());
            err.println("run with --help for the flags");
            return new Result(EXIT_USAGE, null);
        }
        return switch (request) {
            case ChaosArguments.Help help -> {
                out.print(help.text());
                yield new Result(EXIT_PASSED, null);
            }
            case ChaosArguments.Cleanup cleanup -> cleanup(out, err, effectiveUserId);
            case ChaosArguments.Run run -> run(run.options(), out, err, effectiveUserId, environment);
        };
    }

    private static Result cleanup(PrintStream out, PrintStream err, Supplier<String> effectiveUserId) {
        String euid = effectiveUserId.get();
        if (!euid.equals("0")) {
            err.println("raftkv-chaos: --cleanup must run as root (id -u says " + euid + ")");
            return new Result(EXIT_USAGE, null);
        }
        List<String> removed = Cleanup.run(new Shell(null));
        removed.forEach(line -> out.println("cleanup: " + line));
        out.println("cleanup: " + (removed.isEmpty() ? "nothing to remove" : removed.size() + " things removed"));
        return new Result(EXIT_PASSED, null);
    }

    private static Result run(ChaosOptions options, PrintStream out, PrintStream err, Supplier<String> effectiveUserId,
                              Map<String, String> environment) {
        List<String> problems = new Preflight(new Shell(null), effectiveUserId).problems(options);
        if (!problems.isEmpty()) {
            problems.forEach(problem -> err.println("raftkv-chaos: " + problem));
            err.println("raftkv-chaos: nothing was created or changed");
            return new Result(EXIT_USAGE, null);
        }
        Thread hook = new Thread(() -> {
            err.println("raftkv-chaos: interrupted; removing namespaces, bridge, rules and node processes");
            Cleanup.run(new Shell(null));
        }, "chaos-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ChaosReport report = new ChaosRun(options, out, javaOptions(environment)).execute();
            out.print(report.render());
            out.println(report.finalLine());
            out.flush();
            return new Result(report.passed() ? EXIT_PASSED : EXIT_VIOLATION, report);
        } catch (ChaosException | IOException e) {
            err.println("raftkv-chaos: the run failed: " + e.getMessage());
            err.println("raftkv-chaos: logs are in " + options.out());
            return new Result(EXIT_HARNESS_FAILED, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("raftkv-chaos: interrupted");
            return new Result(EXIT_HARNESS_FAILED, null);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook runs and cleans up.
            }
        }
    }

    private static List<String> javaOptions(Map<String, String> environment) {
        String given = environment.get("RAFTKV_CHAOS_JAVA_OPTS");
        if (given == null || given.isBlank()) {
            return Nodes.JAVA_OPTIONS_DEFAULT;
        }
        return Arrays.asList(given.strip().split("\\s+"));
    }
}
