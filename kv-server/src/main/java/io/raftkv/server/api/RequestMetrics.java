package io.raftkv.server.api;

/** Where request latency by method and status goes; bound to Micrometer by the server. */
public interface RequestMetrics {
    void record(String method, String status, long nanos);

    RequestMetrics NONE = (method, status, nanos) -> { };
}
