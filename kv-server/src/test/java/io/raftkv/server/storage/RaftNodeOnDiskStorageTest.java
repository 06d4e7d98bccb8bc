package io.raftkv.server.storage;

import static io.raftkv.server.storage.MembershipTest.member;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.raft.Config;
import io.raftkv.raft.ConfState;
import io.raftkv.raft.ProposeResult;
import io.raftkv.raft.RaftNode;
import io.raftkv.raft.Ready;
import io.raftkv.raft.StateRole;
import io.raftkv.raft.confchange.ConfChange;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * raft-core's {@link RaftNode} driven on the on-disk stores (WAL log, RocksDB state) the way the raft loop drives it (Ready:
 * persist, apply, advance), across a restart after a compaction that retained a conf change.
 */
class RaftNodeOnDiskStorageTest {
    private static final int READIES_MAX = 1_000;

    @TempDir
    Path root;

    @Test
    void aSingleNodeCommitsAppliesCompactsAndRestartsFromItsOwnStorage() {
        Bootstrap.initialize(root, 7, 1, ConfState.ofVoters(1), List.of(member(1, false)));
        StorageOptions retainFour = new StorageOptions(1 << 20, 0, 4, 64 << 10);
        try (NodeStorage storage = NodeStorage.open(root, 7, 1, retainFour)) {
            RaftNode node = new RaftNode(Config.defaults(1, 42), storage.log());
            node.campaign();
            drive(node, storage);
            assertEquals(StateRole.LEADER, node.status().role());
            for (int i = 0; i < 5; i++) {
                propose(node, storage, TestEntries.put("k" + i, "v" + i));
            }
            // A joint change stays joint until left explicitly; re-applying it over a membership that
            // already includes it would fail ("already joint"), so this also checks confState().
            assertTrue(node.proposeConfChange(new ConfChange(ConfChange.Transition.JOINT_EXPLICIT,
                    List.of(new ConfChange.Change(ConfChange.ChangeType.ADD_LEARNER, 2)),
                    member(2, true).toByteArray())).isAccepted());
            drive(node, storage);
            propose(node, storage, TestEntries.put("k5", "v5"));
            long applied = storage.stateMachine().appliedIndex();
            assertEquals(node.status().commit(), applied);
            storage.snapshotAndCompact();
            // The conf change lies in the retained log, above the boundary.
            assertTrue(storage.log().firstIndex() <= applied - 1);
            assertEquals(ConfState.ofVoters(1), storage.log().confState());
            assertTrue(storage.log().snapshot().metadata().confState().isJoint());
        }
        try (NodeStorage storage = NodeStorage.open(root, 7, 1, retainFour)) {
            // raft-core rebuilds its configuration from the boundary and re-applies the retained change.
            RaftNode node = new RaftNode(Config.defaults(1, 43), storage.log());
            drive(node, storage);
            node.campaign();
            drive(node, storage);
            assertEquals(StateRole.LEADER, node.status().role());
            propose(node, storage, TestEntries.put("k6", "v6"));
            assertEquals(7, storage.stateMachine().range(TestEntries.range("k", "l")).getCount());
            assertEquals(1, storage.stateMachine().range(TestEntries.get("k0")).getKvs(0).getVersion(),
                    "entries re-handed after the restart were not applied twice");
            assertTrue(storage.stateMachine().confState().isJoint());
            assertTrue(node.proposeConfChange(ConfChange.leaveJoint()).isAccepted());
            drive(node, storage);
            assertEquals(Set.of(2L), storage.stateMachine().confState().learners());
            assertEquals(false, storage.stateMachine().confState().isJoint());
            assertEquals(List.of(1L, 2L), storage.stateMachine().members().stream().map(m -> m.getId()).toList());
        }
    }

    private static void propose(RaftNode node, NodeStorage storage, io.raftkv.proto.command.Command command) {
        ProposeResult result = node.propose(command.toByteArray());
        assertTrue(result.isAccepted(), result.toString());
        drive(node, storage);
    }

    /** Carries out Readies until there are none, in the order {@link Ready} prescribes. */
    private static void drive(RaftNode node, NodeStorage storage) {
        for (int i = 0; i < READIES_MAX && node.hasReady(); i++) {
            Ready ready = node.ready();
            storage.log().save(ready.hardState(), ready.entries(), ready.snapshot(), ready.mustSync());
            storage.stateMachine().apply(ready.committedEntries());
            node.advance(ready);
        }
    }
}
