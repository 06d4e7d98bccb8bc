package io.raftkv.raft.sim;

import io.raftkv.check.Call;

/**
 * One client operation in flight: what was invoked, and where it waits. A write waits for the node
 * it was proposed to to apply its (index, term); a read waits for that node's ReadState with its
 * context. Mutable; owned by {@link Clients}.
 */
final class ClientOp {
    enum Stage { HELD, PROPOSED, READING }

    final int client;
    final int process;
    final long opId;
    final int key;
    /** The call as invoked (for a read, without a value). */
    final Call call;
    /** The command a write proposes; null for a read. */
    final KvCommand command;
    final long node;
    final long deadline;
    Stage stage = Stage.HELD;
    int incarnation;
    long index;
    long term;

    ClientOp(int client, int process, long opId, int key, Call call, KvCommand command, long node, long deadline) {
        this.client = client;
        this.process = process;
        this.opId = opId;
        this.key = key;
        this.call = call;
        this.command = command;
        this.node = node;
        this.deadline = deadline;
    }

    boolean isRead() {
        return command == null;
    }

    @Override
    public String toString() {
        return "p" + process + " " + call.describe() + " on k" + key + " at n" + node;
    }
}
