/**
 * A linearizability checker for key-value histories, usable from any module's tests and as a
 * command line ({@link io.raftkv.check.CheckMain}, {@code bin/raftkv-check}). Depends on the JDK
 * only.
 *
 * <p>Recording: fault tests write events with {@link io.raftkv.check.HistoryWriter} (JSON lines,
 * one event per line). Reading: {@link io.raftkv.check.HistoryReader#read} or
 * {@link io.raftkv.check.HistoryReader#parse} give a {@link io.raftkv.check.History}. Checking:
 * {@link io.raftkv.check.LinearizabilityChecker#check} gives a
 * {@link io.raftkv.check.CheckResult} whose {@link io.raftkv.check.Verdict} is Linearizable,
 * NotLinearizable (with the shortest failing prefix per key) or Unknown (with the reason).
 * {@link io.raftkv.check.LostWrites} adds a final read of every key.
 */
package io.raftkv.check;
