package io.raftkv.server.api;

/**
 * Limits on client requests, checked before anything reaches Raft.
 *
 * @param keyBytesMax     largest key (etcd's default is 1.5 MiB per request; we cap keys at 4 KiB)
 * @param valueBytesMax   largest value
 * @param txnOpsMax       most compares plus operations in one Txn
 * @param requestTimeoutMillis how long a request may wait for the cluster when the client set no deadline
 */
public record RequestLimits(int keyBytesMax, int valueBytesMax, int txnOpsMax, long requestTimeoutMillis) {
    public RequestLimits {
        if (keyBytesMax <= 0 || valueBytesMax <= 0 || txnOpsMax <= 0 || requestTimeoutMillis <= 0) {
            throw new IllegalArgumentException("request limits must be positive");
        }
    }
}
