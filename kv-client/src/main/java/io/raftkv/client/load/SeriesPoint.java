package io.raftkv.client.load;

/**
 * One second of a bench run.
 *
 * @param second seconds since measuring started, at the end of this interval
 * @param opsPerSec successful ops completed in the interval, per second
 */
public record SeriesPoint(long second, double opsPerSec, double p50Ms, double p99Ms, double maxMs, long errors) {}
