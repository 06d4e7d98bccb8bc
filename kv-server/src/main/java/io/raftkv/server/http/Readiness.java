package io.raftkv.server.http;

import java.util.Objects;

/**
 * Whether the node is ready to serve clients, and why not. {@code /ready} answers 200 when
 * {@code ready}, else 503 with {@code reason}.
 *
 * @param ready  true when the node can serve clients
 * @param reason one line for an operator: "ok", or what the node waits for ("no leader known")
 */
public record Readiness(boolean ready, String reason) {
    /** Ready; the reason is "ok". */
    public static final Readiness READY = new Readiness(true, "ok");

    public Readiness {
        Objects.requireNonNull(reason, "reason");
        if (!ready && reason.isBlank()) {
            throw new IllegalArgumentException("a node that is not ready must say why");
        }
    }

    public static Readiness notReady(String reason) {
        return new Readiness(false, reason);
    }
}
