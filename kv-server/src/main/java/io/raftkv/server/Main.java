package io.raftkv.server;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The raftkv server: parses flags and environment, starts one node, stops it cleanly on SIGTERM. */
public final class Main {
    private Main() {}

    /** The shaded name of Netty's io.netty.leakDetection.level. */
    static final String LEAK_DETECTION = "io.grpc.netty.shaded.io.netty.leakDetection.level";

    public static void main(String[] args) throws Exception {
        // Netty tracks 1 in 128 buffers for leaks, with a stack trace each: about 1% of all CPU
        // under load in the benchmark profile, and of no use in production. -D<LEAK_DETECTION>=simple turns it back on.
        if (System.getProperty(LEAK_DETECTION) == null) {
            System.setProperty(LEAK_DETECTION, "disabled");
        }
        NodeConfig config;
        try {
            switch (NodeConfigParser.parse(List.of(args), System.getenv())) {
                case NodeConfigParser.Help help -> {
                    System.out.println(help.text());
                    return;
                }
                case NodeConfigParser.Run run -> config = run.config();
            }
        } catch (IllegalArgumentException e) {
            System.err.println("raftkv-server: " + e.getMessage());
            System.err.println("run with --help for the flags");
            System.exit(2);
            return;
        }
        Logger log = LoggerFactory.getLogger(Main.class);
        RaftKvNode node;
        try {
            node = RaftKvNode.start(config, error -> {
                log.error("node={} fatal error, halting: {}", config.nodeId(), error.toString());
                // The state can no longer be trusted: stop at once, without shutdown hooks that
                // might write more.
                Runtime.getRuntime().halt(70);
            });
        } catch (RuntimeException e) {
            log.error("node={} refused to start: {}", config.nodeId(), e.getMessage());
            System.err.println("raftkv-server: refused to start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Thread stopper = new Thread(node::close, "raftkv-shutdown");
        Runtime.getRuntime().addShutdownHook(stopper);
        Thread.currentThread().join();
    }
}
