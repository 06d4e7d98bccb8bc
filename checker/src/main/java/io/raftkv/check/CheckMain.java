package io.raftkv.check;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.util.List;

/**
 * Command line: {@code raftkv-check HISTORY.jsonl [--timeout 60s] [--memo-max 512m]}. Prints a
 * verdict line ({@code linearizable: yes|no|unknown (...)}), and for a violation the report.
 * Exit status 0 linearizable, 1 not linearizable, 2 undecided (timeout, memo) or unusable input.
 */
public final class CheckMain {
    public static final int EXIT_LINEARIZABLE = 0;
    public static final int EXIT_NOT_LINEARIZABLE = 1;
    public static final int EXIT_UNDECIDED = 2;

    private CheckMain() {}

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.out, System.err);
        } catch (RuntimeException | Error e) {
            // An uncaught throwable would make the JVM exit with 1, which means "not linearizable".
            // A crash of the checker decides nothing, so it must say so and exit with 2.
            System.out.println("linearizable: unknown (checker failed: " + e + ")");
            e.printStackTrace(System.err);
            status = EXIT_UNDECIDED;
        }
        System.exit(status);
    }

    /** Runs the command and returns its exit status instead of exiting, so tests can call it. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(CheckArguments.USAGE);
            return EXIT_LINEARIZABLE;
        }
        CheckArguments arguments;
        try {
            arguments = CheckArguments.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            err.println("raftkv-check: " + e.getMessage());
            err.println(CheckArguments.USAGE);
            return EXIT_UNDECIDED;
        }
        History history;
        try {
            history = HistoryReader.read(arguments.history());
        } catch (MalformedHistoryException e) {
            out.println("linearizable: unknown (malformed input: " + arguments.history() + " " + e.getMessage() + ")");
            return EXIT_UNDECIDED;
        } catch (NoSuchFileException e) {
            out.println("linearizable: unknown (no such file: " + arguments.history() + ")");
            return EXIT_UNDECIDED;
        } catch (IOException e) {
            out.println("linearizable: unknown (cannot read " + arguments.history() + ": " + e + ")");
            return EXIT_UNDECIDED;
        }
        CheckResult result = LinearizabilityChecker.check(history, arguments.limits());
        out.print(result.report());
        out.flush();
        return switch (result.verdict()) {
            case Verdict.Linearizable yes -> EXIT_LINEARIZABLE;
            case Verdict.NotLinearizable no -> EXIT_NOT_LINEARIZABLE;
            case Verdict.Unknown unknown -> EXIT_UNDECIDED;
        };
    }
}
