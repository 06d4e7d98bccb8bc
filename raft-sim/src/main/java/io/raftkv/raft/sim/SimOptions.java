package io.raftkv.raft.sim;

import io.raftkv.raft.BrokenRule;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of {@link SimMain}, parsed and validated; a bad argument is named in the
 * exception. Immutable.
 *
 * @param seed       replay this one seed with its trace (null for a batch)
 * @param seeds      how many seeds a batch runs
 * @param firstSeed  the batch's first seed (null: fresh from the clock)
 * @param nodes      cluster size, or MIXED
 * @param profile    the fault profile
 * @param broken     deliberately broken rules (tests of the simulator's teeth)
 * @param threads    worker threads for a batch
 * @param coreLog    in a replay, interleave the core's own log lines with the trace
 * @param historyOut in a replay, also write the history (JSON lines) here
 */
record SimOptions(Long seed, long seeds, Long firstSeed, SeedBatch.NodeCount nodes, FaultProfile profile,
                  Set<BrokenRule> broken, int threads, boolean coreLog, Path historyOut) {

    static final String USAGE = """
            usage: raftkv-sim --seeds N [--first-seed F] [--nodes 3|5] [--broken RULE[,RULE]] [--profile P] [--threads T]
                   raftkv-sim --seed S [--nodes 3|5] [--broken RULE[,RULE]] [--profile P] [--core-log] [--history FILE]
              --seeds N       run N seeded scenarios (seeds F, F+1, ...); exit 1 on any violation
              --first-seed F  first seed of the batch (default: fresh from the clock, printed)
              --seed S        replay one seed and print its event trace
              --nodes 3|5     cluster size (default: 3 for even seeds, 5 for odd seeds)
              --broken RULE   switch on deliberately broken rules: %s
              --profile P     fault profile: %s (default STANDARD)
              --threads T     worker threads (default: available processors)
              --core-log      with --seed, include raft-core's own log lines in the trace
              --history FILE  with --seed, write the client history as JSON lines (for bin/raftkv-check)
            """.formatted(List.of(BrokenRule.values()), List.of(FaultProfile.values()));

    static SimOptions parse(List<String> args) {
        Long seed = null;
        long seeds = -1;
        Long firstSeed = null;
        SeedBatch.NodeCount nodes = SeedBatch.NodeCount.MIXED;
        FaultProfile profile = FaultProfile.STANDARD;
        Set<BrokenRule> broken = EnumSet.noneOf(BrokenRule.class);
        int threads = Runtime.getRuntime().availableProcessors();
        boolean coreLog = false;
        Path historyOut = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--seed" -> seed = parseLong(arg, value(args, ++i, arg));
                case "--seeds" -> seeds = parseLong(arg, value(args, ++i, arg));
                case "--first-seed" -> firstSeed = parseLong(arg, value(args, ++i, arg));
                case "--nodes" -> nodes = new SeedBatch.NodeCount(parseNodes(value(args, ++i, arg)));
                case "--profile" -> profile = parseEnum(FaultProfile.class, arg, value(args, ++i, arg));
                case "--broken" -> {
                    for (String rule : value(args, ++i, arg).split(",")) {
                        broken.add(parseEnum(BrokenRule.class, arg, rule.trim()));
                    }
                }
                case "--threads" -> threads = (int) parseLong(arg, value(args, ++i, arg));
                case "--core-log" -> coreLog = true;
                case "--history" -> historyOut = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        if ((seed == null) == (seeds < 0)) {
            throw new IllegalArgumentException("give exactly one of --seed S and --seeds N");
        }
        if (seed == null && seeds < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("--threads must be in [1, 1024], got " + threads);
        }
        if (seed == null && (coreLog || historyOut != null)) {
            throw new IllegalArgumentException("--core-log and --history need --seed");
        }
        return new SimOptions(seed, seeds, firstSeed, nodes, profile, broken, threads, coreLog, historyOut);
    }

    private static String value(List<String> args, int index, String flag) {
        if (index >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(index);
    }

    private static long parseLong(String flag, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " needs an integer, got " + value);
        }
    }

    private static int parseNodes(String value) {
        long nodes = parseLong("--nodes", value);
        if (nodes != 3 && nodes != 5) {
            throw new IllegalArgumentException("--nodes must be 3 or 5, got " + value);
        }
        return (int) nodes;
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String flag, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + " must be one of " + List.of(type.getEnumConstants()) + ", got " + value);
        }
    }
}
