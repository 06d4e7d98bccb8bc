package io.raftkv.server.peer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the peer transport needs to know, validated when built: a bad value is named with
 * its field, never discovered later on a hot path. Build it with {@link #builder}; the builder
 * starts from the defaults documented on each of its setters.
 *
 * <p>Sizes must agree across the cluster: a batch or chunk the sender builds must fit in the
 * receiver's {@link #inboundMessageBytesMax}, which the node applies to its gRPC server with
 * {@link PeerService#applyServerLimits}.
 */
public record PeerConfig(
        long clusterId,
        long nodeId,
        Path snapshotsRoot,
        int sendQueueCapacity,
        int batchMessagesMax,
        int batchBytesMax,
        int inboundMessageBytesMax,
        Duration reconnectBackoffMin,
        Duration reconnectBackoffMax,
        Duration sendStallTimeout,
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        int snapshotChunkBytes,
        long snapshotBytesMax,
        int snapshotFilesMax,
        int snapshotsIncomingMax,
        Duration snapshotTimeout,
        Duration closeTimeout) {

    /** Room for the envelope around a batch or a chunk (ids, term, file name, CRC, tags). */
    static final int ENVELOPE_BYTES_MAX = 64 * 1024;

    public PeerConfig {
        Objects.requireNonNull(snapshotsRoot, "snapshotsRoot");
        require(clusterId != 0, "clusterId", clusterId, "must be non-zero");
        require(nodeId > 0, "nodeId", nodeId, "must be positive");
        require(sendQueueCapacity > 0, "sendQueueCapacity", sendQueueCapacity, "must be positive");
        require(batchMessagesMax > 0, "batchMessagesMax", batchMessagesMax, "must be positive");
        require(batchBytesMax > 0, "batchBytesMax", batchBytesMax, "must be positive");
        require((long) batchBytesMax + ENVELOPE_BYTES_MAX <= inboundMessageBytesMax, "batchBytesMax", batchBytesMax,
                "plus 64 KiB of envelope must fit in inboundMessageBytesMax=" + inboundMessageBytesMax);
        require(snapshotChunkBytes > 0, "snapshotChunkBytes", snapshotChunkBytes, "must be positive");
        require((long) snapshotChunkBytes + ENVELOPE_BYTES_MAX <= inboundMessageBytesMax, "snapshotChunkBytes",
                snapshotChunkBytes, "plus 64 KiB of envelope must fit in inboundMessageBytesMax=" + inboundMessageBytesMax);
        require(snapshotBytesMax > 0, "snapshotBytesMax", snapshotBytesMax, "must be positive");
        require(snapshotFilesMax > 0, "snapshotFilesMax", snapshotFilesMax, "must be positive");
        require(snapshotsIncomingMax > 0, "snapshotsIncomingMax", snapshotsIncomingMax, "must be positive");
        positive(reconnectBackoffMin, "reconnectBackoffMin");
        positive(reconnectBackoffMax, "reconnectBackoffMax");
        require(reconnectBackoffMax.compareTo(reconnectBackoffMin) >= 0, "reconnectBackoffMax", reconnectBackoffMax,
                "must be >= reconnectBackoffMin=" + reconnectBackoffMin);
        positive(sendStallTimeout, "sendStallTimeout");
        positive(keepAliveTime, "keepAliveTime");
        positive(keepAliveTimeout, "keepAliveTimeout");
        positive(snapshotTimeout, "snapshotTimeout");
        positive(closeTimeout, "closeTimeout");
    }

    public static Builder builder(long clusterId, long nodeId, Path snapshotsRoot) {
        return new Builder(clusterId, nodeId, snapshotsRoot);
    }

    private static void positive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        require(!value.isNegative() && !value.isZero(), field, value, "must be positive");
    }

    private static void require(boolean condition, String field, Object value, String problem) {
        if (!condition) {
            throw new IllegalArgumentException("peer config " + field + "=" + value + ": " + problem);
        }
    }

    /** Starts from the defaults; not thread-safe. */
    public static final class Builder {
        private final long clusterId;
        private final long nodeId;
        private final Path snapshotsRoot;
        private int sendQueueCapacity = 4096;
        private int batchMessagesMax = 512;
        private int batchBytesMax = 4 << 20;
        private int inboundMessageBytesMax = 16 << 20;
        private Duration reconnectBackoffMin = Duration.ofMillis(50);
        private Duration reconnectBackoffMax = Duration.ofSeconds(2);
        private Duration sendStallTimeout = Duration.ofSeconds(5);
        private Duration keepAliveTime = Duration.ofSeconds(10);
        private Duration keepAliveTimeout = Duration.ofSeconds(5);
        private int snapshotChunkBytes = 1 << 20;
        private long snapshotBytesMax = 64L << 30;
        private int snapshotFilesMax = 100_000;
        private int snapshotsIncomingMax = 4;
        private Duration snapshotTimeout = Duration.ofHours(1);
        private Duration closeTimeout = Duration.ofSeconds(5);

        private Builder(long clusterId, long nodeId, Path snapshotsRoot) {
            this.clusterId = clusterId;
            this.nodeId = nodeId;
            this.snapshotsRoot = snapshotsRoot;
        }

        /** Messages waiting per peer before new ones are dropped (default 4096). */
        public Builder sendQueueCapacity(int value) {
            sendQueueCapacity = value;
            return this;
        }

        /** Messages per MessageBatch (default 512). */
        public Builder batchMessagesMax(int value) {
            batchMessagesMax = value;
            return this;
        }

        /** Encoded bytes per MessageBatch (default 4 MiB); a single larger message goes alone. */
        public Builder batchBytesMax(int value) {
            batchBytesMax = value;
            return this;
        }

        /** gRPC inbound message limit of the peer server (default 16 MiB); larger outgoing messages are dropped. */
        public Builder inboundMessageBytesMax(int value) {
            inboundMessageBytesMax = value;
            return this;
        }

        /** First reconnect delay (default 50 ms); doubles per failure, with jitter. */
        public Builder reconnectBackoffMin(Duration value) {
            reconnectBackoffMin = value;
            return this;
        }

        /** Longest reconnect delay (default 2 s). */
        public Builder reconnectBackoffMax(Duration value) {
            reconnectBackoffMax = value;
            return this;
        }

        /** A message stream not ready to write for this long is cancelled and reconnected (default 5 s). */
        public Builder sendStallTimeout(Duration value) {
            sendStallTimeout = value;
            return this;
        }

        /** HTTP/2 ping interval on peer channels (default 10 s); the server must permit it. */
        public Builder keepAliveTime(Duration value) {
            keepAliveTime = value;
            return this;
        }

        /** A ping unanswered for this long closes the connection (default 5 s). */
        public Builder keepAliveTimeout(Duration value) {
            keepAliveTimeout = value;
            return this;
        }

        /** Data bytes per snapshot chunk (default 1 MiB). */
        public Builder snapshotChunkBytes(int value) {
            snapshotChunkBytes = value;
            return this;
        }

        /** Total bytes of one snapshot, sent or received (default 64 GiB). */
        public Builder snapshotBytesMax(long value) {
            snapshotBytesMax = value;
            return this;
        }

        /** Files in one snapshot (default 100,000). */
        public Builder snapshotFilesMax(int value) {
            snapshotFilesMax = value;
            return this;
        }

        /** Snapshots received at the same time (default 4). */
        public Builder snapshotsIncomingMax(int value) {
            snapshotsIncomingMax = value;
            return this;
        }

        /** Deadline of one InstallSnapshot call (default 1 h: 64 GiB at ~20 MB/s). */
        public Builder snapshotTimeout(Duration value) {
            snapshotTimeout = value;
            return this;
        }

        /** How long close() waits for threads and channels (default 5 s). */
        public Builder closeTimeout(Duration value) {
            closeTimeout = value;
            return this;
        }

        public PeerConfig build() {
            return new PeerConfig(clusterId, nodeId, snapshotsRoot, sendQueueCapacity, batchMessagesMax,
                    batchBytesMax, inboundMessageBytesMax, reconnectBackoffMin, reconnectBackoffMax,
                    sendStallTimeout, keepAliveTime, keepAliveTimeout, snapshotChunkBytes, snapshotBytesMax,
                    snapshotFilesMax, snapshotsIncomingMax, snapshotTimeout, closeTimeout);
        }
    }
}
