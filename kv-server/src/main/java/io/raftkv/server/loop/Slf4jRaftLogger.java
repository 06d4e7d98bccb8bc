package io.raftkv.server.loop;

import io.raftkv.raft.RaftLogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** raft-core's log lines, through SLF4J under the logger name {@code io.raftkv.raft}. */
public final class Slf4jRaftLogger implements RaftLogger {
    private static final Logger log = LoggerFactory.getLogger("io.raftkv.raft");

    @Override
    public void info(String line) {
        log.info(line);
    }

    @Override
    public void warn(String line) {
        log.warn(line);
    }

    @Override
    public void debug(String line) {
        log.debug(line);
    }

    @Override
    public boolean debugEnabled() {
        return log.isDebugEnabled();
    }
}
