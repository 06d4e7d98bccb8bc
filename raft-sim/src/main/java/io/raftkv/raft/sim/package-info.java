/**
 * A deterministic simulator of a raft-core cluster (the VOPR idea from TigerBeetle): one seed
 * drives everything, so any failure replays exactly.
 *
 * <p>Per seed ({@link io.raftkv.raft.sim.Simulation}): 3 or 5 nodes on a virtual network and clock
 * ({@code Network}, {@code Cluster}), each driven by {@code SimNode} through the Ready contract with a
 * {@code MemoryLogStorage} as its disk and an in-memory key-value state machine; clients
 * ({@code Clients}) run puts, compare-and-sets and ReadIndex reads and record a history for the
 * linearizability checker; {@code FaultInjector} and {@code Membership} loss, duplication, delay,
 * partitions, crashes (also inside a Ready), pauses, leader-targeted faults, membership changes,
 * transfers and compaction; {@code SafetyMonitor} checks Raft's safety properties at every Ready.
 * After healing: liveness, a final read of every key, no acknowledged write lost, linearizability.
 *
 * <p>Run: {@code bin/raftkv-sim --seeds 10000} (batch, parallel over seeds), {@code bin/raftkv-sim
 * --seed S --nodes N} (one seed with its trace), or {@code mvn -pl raft-sim test} (CI:
 * {@code -Dsim.seeds}, {@code -Dsim.firstSeed}, {@code -Dsim.seed}).
 */
package io.raftkv.raft.sim;
