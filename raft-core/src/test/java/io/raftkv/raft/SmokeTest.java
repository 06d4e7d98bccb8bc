package io.raftkv.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.log.MemoryLogStorage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void threeNodesElectALeaderAndCommitAProposal() {
        Map<Long, RaftNode> nodes = new TreeMap<>();
        Map<Long, MemoryLogStorage> disks = new TreeMap<>();
        Map<Long, List<Entry>> applied = new TreeMap<>();
        for (long id = 1; id <= 3; id++) {
            MemoryLogStorage disk = MemoryLogStorage.bootstrap(ConfState.ofVoters(1, 2, 3), new byte[0]);
            disks.put(id, disk);
            nodes.put(id, new RaftNode(Config.defaults(id, id), disk));
            applied.put(id, new ArrayList<>());
        }
        ArrayDeque<Message> network = new ArrayDeque<>();
        for (int tick = 0; tick < 100; tick++) {
            nodes.values().forEach(RaftNode::tick);
            settle(nodes, disks, applied, network);
        }
        long leader = nodes.values().stream().filter(n -> n.status().role() == StateRole.LEADER).findFirst().orElseThrow().id();
        assertTrue(nodes.get(leader).propose("hello".getBytes()).isAccepted());
        settle(nodes, disks, applied, network);
        for (int tick = 0; tick < 5; tick++) {
            nodes.values().forEach(RaftNode::tick);
            settle(nodes, disks, applied, network);
        }
        for (long id = 1; id <= 3; id++) {
            List<Entry> entries = applied.get(id);
            assertEquals("hello", new String(entries.getLast().data()), "node " + id + " applied " + entries);
        }
    }

    private static void settle(Map<Long, RaftNode> nodes, Map<Long, MemoryLogStorage> disks,
                               Map<Long, List<Entry>> applied, ArrayDeque<Message> network) {
        for (int round = 0; round < 1000; round++) {
            boolean any = false;
            for (RaftNode node : nodes.values()) {
                if (node.hasReady()) {
                    any = true;
                    Ready ready = node.ready();
                    network.addAll(ready.messagesNow());
                    MemoryLogStorage disk = disks.get(node.id());
                    if (ready.snapshot() != null) disk.applySnapshot(ready.snapshot());
                    disk.append(ready.entries());
                    if (ready.hardState() != null) disk.setHardState(ready.hardState());
                    network.addAll(ready.messagesAfterPersist());
                    applied.get(node.id()).addAll(ready.committedEntries());
                    node.advance(ready);
                }
            }
            while (!network.isEmpty()) {
                any = true;
                Message m = network.poll();
                nodes.get(m.to()).step(m);
            }
            if (!any) return;
        }
        throw new AssertionError("did not settle");
    }
}
