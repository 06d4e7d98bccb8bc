package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.bytes;
import static io.raftkv.server.storage.TestEntries.command;
import static io.raftkv.server.storage.TestEntries.deleteOp;
import static io.raftkv.server.storage.TestEntries.deleteRange;
import static io.raftkv.server.storage.TestEntries.get;
import static io.raftkv.server.storage.TestEntries.put;
import static io.raftkv.server.storage.TestEntries.putOp;
import static io.raftkv.server.storage.TestEntries.putWithPrevious;
import static io.raftkv.server.storage.TestEntries.range;
import static io.raftkv.server.storage.TestEntries.rangeOp;
import static io.raftkv.server.storage.TestEntries.txn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.DeleteRangeResponse;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.TxnResponse;
import io.raftkv.proto.command.Command;
import io.raftkv.raft.Entry;
import io.raftkv.server.ErrorCode;
import io.raftkv.server.ServerException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStateMachineTest {
    @TempDir
    Path dir;

    private KvStateMachine machine;
    private long nextIndex = 1;

    @BeforeEach
    void open() {
        machine = KvStateMachine.open(dir.resolve("state"));
    }

    @AfterEach
    void close() {
        machine.close();
    }

    @Test
    void aNewStateMachineHasAppliedNothingAndRevisionOne() {
        assertEquals(0, machine.appliedIndex());
        assertEquals(1, machine.revision());
        assertEquals(0, machine.range(range("\0", "\0")).getCount());
    }

    @Test
    void aPutIsReadBackWithItsRevisionsAndVersion() {
        PutResponse response = (PutResponse) ok(apply(put("a", "1")));
        assertEquals(2, response.getHeader().getRevision());
        RangeResponse read = machine.range(get("a"));
        assertEquals(2, read.getHeader().getRevision());
        assertEquals(1, read.getCount());
        assertEquals(KeyValue.newBuilder().setKey(bytes("a")).setValue(bytes("1")).setCreateRevision(2)
                .setModRevision(2).setVersion(1).build(), read.getKvs(0));
    }

    @Test
    void revisionsAndVersionsFollowEtcd() {
        apply(put("a", "1"));                                   // revision 2
        apply(put("a", "2"));                                   // revision 3
        apply(put("b", "x"));                                   // revision 4
        KeyValue a = machine.range(get("a")).getKvs(0);
        assertEquals(2, a.getCreateRevision());
        assertEquals(3, a.getModRevision());
        assertEquals(2, a.getVersion());
        apply(deleteRange("a", "", false));                     // revision 5
        assertEquals(0, machine.range(get("a")).getCount());
        apply(deleteRange("a", "", false));                     // deletes nothing: no new revision
        assertEquals(5, machine.revision());
        apply(put("a", "3"));                                   // revision 6, recreated
        KeyValue recreated = machine.range(get("a")).getKvs(0);
        assertEquals(6, recreated.getCreateRevision());
        assertEquals(1, recreated.getVersion());
        assertEquals(6, machine.revision());
    }

    @Test
    void putWithPrevKvReturnsThePreviousRecord() {
        apply(put("a", "1"));
        PutResponse response = (PutResponse) ok(apply(putWithPrevious("a", "2")));
        assertEquals(bytes("1"), response.getPrevKv().getValue());
        assertEquals(1, response.getPrevKv().getVersion());
        PutResponse first = (PutResponse) ok(apply(putWithPrevious("new", "v")));
        assertFalse(first.hasPrevKv());
    }

    @Test
    void rangeEndSelectsASingleKeyAHalfOpenRangeOrEverythingFromAKey() {
        for (String key : List.of("a", "b", "b1", "c", "d")) {
            apply(put(key, key));
        }
        assertEquals(List.of("b"), keys(machine.range(get("b"))));
        assertEquals(List.of("b", "b1", "c"), keys(machine.range(range("b", "d"))));
        assertEquals(List.of("b", "b1"), keys(machine.range(range("b", "c"))), "a prefix is [p, p+1)");
        assertEquals(List.of("c", "d"), keys(machine.range(range("c", "\0"))));
        assertEquals(5, machine.range(range("\0", "\0")).getCount(), "key = range_end = \\0 is every key");
        assertEquals(0, machine.range(range("d", "b")).getCount(), "an inverted range is empty");
    }

    @Test
    void limitKeysOnlyAndCountOnlyShapeTheResponse() {
        for (String key : List.of("k1", "k2", "k3", "k4")) {
            apply(put(key, "value-" + key));
        }
        RangeResponse limited = machine.range(range("k", "l").toBuilder().setLimit(2).build());
        assertEquals(List.of("k1", "k2"), keys(limited));
        assertTrue(limited.getMore());
        assertEquals(4, limited.getCount(), "count ignores the limit");
        RangeResponse all = machine.range(range("k", "l").toBuilder().setLimit(4).build());
        assertFalse(all.getMore());
        RangeResponse keysOnly = machine.range(range("k", "l").toBuilder().setKeysOnly(true).build());
        assertEquals(4, keysOnly.getKvsCount());
        assertTrue(keysOnly.getKvs(0).getValue().isEmpty());
        assertEquals(1, keysOnly.getKvs(0).getVersion());
        RangeResponse countOnly = machine.range(range("k", "l").toBuilder().setCountOnly(true).build());
        assertEquals(0, countOnly.getKvsCount());
        assertEquals(4, countOnly.getCount());
        assertFalse(countOnly.getMore());
    }

    @Test
    void onlyTheCurrentRevisionCanBeRead() {
        apply(put("a", "1"));
        apply(put("a", "2"));
        assertEquals(1, machine.range(get("a").toBuilder().setRevision(3).build()).getCount());
        ServerException old = assertThrows(ServerException.class, () -> machine.range(get("a").toBuilder().setRevision(2).build()));
        assertEquals(ErrorCode.COMPACTED, old.code());
        assertEquals("revision 2 is compacted; only the current revision 3 is retained", old.getMessage());
        ServerException future = assertThrows(ServerException.class, () -> machine.range(get("a").toBuilder().setRevision(9).build()));
        assertEquals(ErrorCode.BAD_REQUEST, future.code());
    }

    @Test
    void deleteRangeRemovesEveryKeyInTheRangeAndCanReturnThem() {
        for (String key : List.of("a", "b", "c")) {
            apply(put(key, key));
        }
        DeleteRangeResponse response = (DeleteRangeResponse) ok(apply(deleteRange("a", "c", true)));
        assertEquals(2, response.getDeleted());
        assertEquals(List.of(bytes("a"), bytes("b")), response.getPrevKvsList().stream().map(KeyValue::getKey).toList());
        assertEquals(5, response.getHeader().getRevision(), "one revision for the whole delete");
        assertEquals(List.of("c"), keys(machine.range(range("\0", "\0"))));
    }

    @Test
    void aTxnComparesValueVersionCreateAndModRevisions() {
        apply(put("a", "m"));          // revision 2
        apply(put("a", "m"));          // revision 3: version 2, create 2, mod 3
        assertTrue(holds(compareValue("a", Compare.CompareResult.EQUAL, "m")));
        assertTrue(holds(compareValue("a", Compare.CompareResult.GREATER, "l")));
        assertTrue(holds(compareValue("a", Compare.CompareResult.LESS, "n")));
        assertTrue(holds(compareValue("a", Compare.CompareResult.NOT_EQUAL, "x")));
        assertFalse(holds(compareValue("a", Compare.CompareResult.EQUAL, "x")));
        assertTrue(holds(compareNumber("a", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL, 2)));
        assertTrue(holds(compareNumber("a", Compare.CompareTarget.VERSION, Compare.CompareResult.GREATER, 1)));
        assertTrue(holds(compareNumber("a", Compare.CompareTarget.CREATE, Compare.CompareResult.EQUAL, 2)));
        assertTrue(holds(compareNumber("a", Compare.CompareTarget.CREATE, Compare.CompareResult.LESS, 3)));
        assertTrue(holds(compareNumber("a", Compare.CompareTarget.MOD, Compare.CompareResult.EQUAL, 3)));
        assertTrue(holds(compareNumber("a", Compare.CompareTarget.MOD, Compare.CompareResult.NOT_EQUAL, 2)));
        assertFalse(holds(compareNumber("a", Compare.CompareTarget.MOD, Compare.CompareResult.LESS, 3)));
    }

    @Test
    void aMissingKeyHasZeroVersionAndRevisionsAndNeverMatchesOnValue() {
        assertTrue(holds(compareNumber("nope", Compare.CompareTarget.VERSION, Compare.CompareResult.EQUAL, 0)));
        assertTrue(holds(compareNumber("nope", Compare.CompareTarget.CREATE, Compare.CompareResult.EQUAL, 0)));
        assertTrue(holds(compareNumber("nope", Compare.CompareTarget.MOD, Compare.CompareResult.EQUAL, 0)));
        assertFalse(holds(compareValue("nope", Compare.CompareResult.EQUAL, "")));
        assertFalse(holds(compareValue("nope", Compare.CompareResult.NOT_EQUAL, "x")));
    }

    @Test
    void aTxnCompareOverARangeMustHoldForEveryKey() {
        apply(put("p1", "x"));
        apply(put("p2", "x"));
        Compare allX = compareValue("p1", Compare.CompareResult.EQUAL, "x").toBuilder().setRangeEnd(bytes("p3")).build();
        assertTrue(holds(allX));
        apply(put("p2", "y"));
        assertFalse(holds(allX));
    }

    @Test
    void aTxnRunsTheFailureBranchWhenACompareFails() {
        apply(put("a", "1"));
        TxnResponse response = (TxnResponse) ok(apply(txn(List.of(compareValue("a", Compare.CompareResult.EQUAL, "2")),
                List.of(putOp("b", "success")), List.of(putOp("b", "failure"), rangeOp("b")))));
        assertFalse(response.getSucceeded());
        assertEquals(2, response.getResponsesCount());
        assertEquals(bytes("failure"), response.getResponses(1).getResponseRange().getKvs(0).getValue());
    }

    @Test
    void aTxnReadsItsOwnEarlierWritesAndCountsAsOneRevision() {
        apply(put("a", "1"));                                                     // revision 2
        TxnResponse response = (TxnResponse) ok(apply(txn(List.of(),
                List.of(putOp("a", "2"), rangeOp("a"), putOp("b", "3"), deleteOp("a"), rangeOp("a")), List.of())));
        assertTrue(response.getSucceeded());
        assertEquals(3, response.getHeader().getRevision(), "the whole txn is one revision");
        RangeResponse inside = response.getResponses(1).getResponseRange();
        assertEquals(bytes("2"), inside.getKvs(0).getValue());
        assertEquals(2, inside.getKvs(0).getVersion());
        assertEquals(3, inside.getKvs(0).getModRevision());
        assertEquals(0, response.getResponses(4).getResponseRange().getCount(), "the txn's delete is visible");
        for (int i = 0; i < response.getResponsesCount(); i++) {
            assertEquals(3, headerRevision(response, i));
        }
        assertEquals(3, machine.revision());
        assertEquals(3, machine.range(get("b")).getKvs(0).getModRevision());
    }

    @Test
    void aTxnOfOnlyReadsLeavesTheRevision() {
        apply(put("a", "1"));
        TxnResponse response = (TxnResponse) ok(apply(txn(List.of(), List.of(rangeOp("a")), List.of())));
        assertEquals(2, response.getHeader().getRevision());
        assertEquals(2, machine.revision());
    }

    @Test
    void aFailingTxnOpUndoesTheTxnsEarlierWrites() {
        apply(put("a", "1"));
        ApplyResult result = apply(txn(List.of(), List.of(putOp("a", "2"), putOp("", "empty key")), List.of()));
        ApplyResult.Error error = assertInstanceOf(ApplyResult.Error.class, result);
        assertEquals(ErrorCode.KEY_EMPTY, error.code());
        assertEquals(bytes("1"), machine.range(get("a")).getKvs(0).getValue());
        assertEquals(2, machine.revision());
        assertEquals(result.index(), machine.appliedIndex(), "the failed entry still counts as applied");
    }

    @Test
    void aCompareWhoseValueContradictsItsTargetIsRefused() {
        Compare bad = Compare.newBuilder().setKey(bytes("a")).setTarget(Compare.CompareTarget.VERSION)
                .setValue(bytes("x")).build();
        ApplyResult.Error error = assertInstanceOf(ApplyResult.Error.class, apply(txn(List.of(bad), List.of(), List.of())));
        assertEquals(ErrorCode.BAD_REQUEST, error.code());
    }

    @Test
    void aMalformedCommandIsADeterministicErrorThatChangesNothingButTheAppliedIndex() {
        Entry garbage = new Entry(nextIndex++, 1, io.raftkv.raft.EntryType.NORMAL, new byte[] {(byte) 0xff, 0x01, 0x02});
        ApplyResult.Error error = assertInstanceOf(ApplyResult.Error.class, machine.apply(List.of(garbage)).getFirst());
        assertEquals(ErrorCode.BAD_REQUEST, error.code());
        assertTrue(error.message().startsWith("malformed command at index 1"), error.message());
        assertEquals(1, machine.appliedIndex());
        assertEquals(1, machine.revision());
    }

    @Test
    void anEmptyNormalEntryIsTheLeadersNoop() {
        Entry noop = Entry.normal(nextIndex++, 2, new byte[0]);
        assertEquals(List.of(new ApplyResult.Noop(1, 2)), machine.apply(List.of(noop)));
        assertEquals(1, machine.appliedIndex());
        assertEquals(2, machine.appliedTerm());
    }

    @Test
    void entriesAtOrBelowTheAppliedIndexAreSkippedWithoutAResult() {
        List<Entry> entries = List.of(command(1, put("a", "1")), command(2, put("a", "2")));
        assertEquals(2, machine.apply(entries).size());
        List<ApplyResult> again = machine.apply(List.of(command(1, put("a", "1")), command(2, put("a", "2")),
                command(3, put("a", "3"))));
        assertEquals(1, again.size());
        assertEquals(3, again.getFirst().index());
        assertEquals(3, machine.range(get("a")).getKvs(0).getVersion());
    }

    @Test
    void anApplyThatLeavesAGapIsAnInvariantFailure() {
        machine.apply(List.of(command(1, put("a", "1"))));
        assertThrows(AssertionError.class, () -> machine.apply(List.of(command(3, put("a", "3")))));
        assertEquals(1, machine.appliedIndex());
    }

    @Test
    void applyIsIdempotentAcrossAReopen() {
        List<Entry> entries = List.of(command(1, put("a", "1")), command(2, put("b", "2")), command(3, deleteRange("a", "", false)));
        machine.apply(entries);
        long revision = machine.revision();
        machine.close();
        machine = KvStateMachine.open(dir.resolve("state"));
        assertEquals(3, machine.appliedIndex());
        assertEquals(List.of(), machine.apply(entries), "after a restart raft-core hands these out again");
        assertEquals(revision, machine.revision());
        assertEquals(List.of("b"), keys(machine.range(range("\0", "\0"))));
        assertEquals(1, machine.range(get("b")).getKvs(0).getVersion());
    }

    /**
     * The state skips RocksDB's WAL (see {@link StateDb}): a kill -9 loses what was applied since
     * the last flush, never what a checkpoint holds, and raft-core's replay of the lost entries
     * gives the same state. A copy of the files of an open database is what a kill -9 leaves.
     */
    @Test
    void aCrashFallsBackToTheNewestCheckpointAndReplayingTheLostEntriesGivesTheSameState() throws Exception {
        List<Entry> durable = List.of(command(1, put("a", "1")), command(2, put("b", "2")));
        List<Entry> lost = List.of(command(3, put("a", "3")), command(4, deleteRange("b", "", false)), command(5, put("c", "5")));
        machine.apply(durable);
        machine.checkpoint(dir.resolve("snapshots"));
        machine.apply(lost);
        RangeResponse before = machine.range(range("\0", "\0"));
        try (KvStateMachine reopened = reopenCopyOfLiveFiles(dir.resolve("state"))) {
            assertEquals(2, reopened.appliedIndex(), "what was applied after the checkpoint is gone with the memtable");
            assertEquals(List.of("a", "b"), keys(reopened.range(range("\0", "\0"))));
            assertEquals(3, reopened.apply(lost).size(), "raft-core hands the lost entries out again");
            assertEquals(before.getKvsList(), reopened.range(range("\0", "\0")).getKvsList());
            assertEquals(machine.revision(), reopened.revision());
        }
    }

    /**
     * Opens a copy of the open database's files, as a kill -9 could leave them. RocksDB flushes and
     * compacts in the background while the copy runs: it writes a new file before a MANIFEST names
     * it and deletes an obsolete one only after, so the MANIFEST and CURRENT are copied first and
     * the data files after. A file created after the listing, or deleted during the copy, still
     * leaves a copy no crash could have left (a MANIFEST naming a file the copy lacks); such a copy
     * is made again, at most ten times, so a state that never opens still fails the test.
     */
    private KvStateMachine reopenCopyOfLiveFiles(Path stateRoot) throws Exception {
        for (int attempt = 1; ; attempt++) {
            Path copy = dir.resolve("crashed-" + attempt);
            List<Path> paths;
            try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(stateRoot)) {
                paths = new java.util.ArrayList<>(walk.toList());
            }
            paths.sort(java.util.Comparator.comparingInt(KvStateMachineTest::copyOrder));
            try {
                for (Path path : paths) {
                    Path target = copy.resolve(stateRoot.relativize(path).toString());
                    if (java.nio.file.Files.isDirectory(path)) {
                        java.nio.file.Files.createDirectories(target);
                    } else if (!path.getFileName().toString().equals("LOCK")) {
                        java.nio.file.Files.copy(path, target);
                    }
                }
                return KvStateMachine.open(copy);
            } catch (java.nio.file.NoSuchFileException | StorageFailedException e) {
                boolean copyRace = e instanceof java.nio.file.NoSuchFileException
                        || String.valueOf(e.getMessage()).contains("No such file");
                if (!copyRace || attempt == 10) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Directories (parents first), then the files that name the others, then the rest. */
    private static int copyOrder(Path path) {
        String name = path.getFileName().toString();
        if (java.nio.file.Files.isDirectory(path)) {
            return path.getNameCount();
        }
        return name.startsWith("MANIFEST") || name.equals("CURRENT") ? 1_000 : 2_000;
    }

    @Test
    void aBatchOfEntriesIsAppliedAsOneWriteVisibleOnlyWhenComplete() {
        List<ApplyResult> results = machine.apply(List.of(command(1, put("a", "1")), command(2, put("a", "2")),
                Entry.normal(3, 1, new byte[0])));
        assertEquals(3, results.size());
        assertEquals(3, machine.appliedIndex());
        assertEquals(3, machine.revision());
        assertEquals(2, machine.range(get("a")).getKvs(0).getVersion(), "the second put saw the first in the batch");
    }

    @Test
    void aRolledBackTxnLeavesTheVersionsTheNextPutsBuildOn() {
        Command failing = txn(List.of(), List.of(putOp("a", "2"), putOp("a", "3"), putOp("", "empty key")), List.of());
        List<ApplyResult> results = machine.apply(List.of(command(nextIndex++, put("a", "1")),
                command(nextIndex++, failing), command(nextIndex++, put("a", "4"))));
        assertInstanceOf(ApplyResult.Error.class, results.get(1));
        assertVersion("a", 2, 3, 2, "in the batch of the failed txn");
        apply(failing);
        apply(put("a", "5"));
        assertVersion("a", 2, 4, 3, "in the batches after it");
    }

    @Test
    void aKeyDeletedAndPutAgainStartsOverAtVersionOneInOneBatchAndAcrossBatches() {
        machine.apply(List.of(command(nextIndex++, put("a", "1")), command(nextIndex++, deleteRange("a", "", false)),
                command(nextIndex++, put("a", "2"))));
        assertVersion("a", 4, 4, 1, "deleted and put again in one batch");
        apply(deleteRange("a", "", false));
        apply(put("a", "3"));
        assertVersion("a", 6, 6, 1, "deleted and put again in two batches");
        apply(putWithPrevious("a", "4"));
        assertVersion("a", 6, 7, 2, "a put asking for the previous record");
    }

    @Test
    void anInstalledSnapshotReplacesTheVersionsThePutsBuiltOn() {
        Path snapshots = dir.resolve("snapshots");
        CheckpointInfo ahead;
        try (KvStateMachine other = KvStateMachine.open(dir.resolve("other"))) {
            for (int i = 1; i <= 5; i++) {
                other.apply(List.of(command(i, put("a", "v" + i))));
            }
            ahead = other.checkpoint(snapshots);
        }
        apply(put("a", "1"));
        apply(put("a", "2"));
        machine.install(ahead.directory(), ahead.metadata());
        nextIndex = ahead.metadata().index() + 1;
        apply(put("a", "6"));
        assertVersion("a", 2, 7, 6, "the put after the install builds on the snapshot's version 5");
    }

    private void assertVersion(String key, long createRevision, long modRevision, long version, String when) {
        KeyValue record = machine.range(get(key)).getKvs(0);
        assertEquals(List.of(createRevision, modRevision, version),
                List.of(record.getCreateRevision(), record.getModRevision(), record.getVersion()),
                "create revision, mod revision and version of " + key + " " + when);
    }

    private ApplyResult apply(Command command) {
        List<ApplyResult> results = machine.apply(List.of(command(nextIndex++, command)));
        assertEquals(1, results.size());
        return results.getFirst();
    }

    private static com.google.protobuf.Message ok(ApplyResult result) {
        return assertInstanceOf(ApplyResult.Ok.class, result, result.toString()).response();
    }

    private boolean holds(Compare compare) {
        return ((TxnResponse) ok(apply(txn(List.of(compare), List.of(), List.of())))).getSucceeded();
    }

    private static Compare compareValue(String key, Compare.CompareResult result, String value) {
        return Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VALUE).setResult(result)
                .setValue(bytes(value)).build();
    }

    private static Compare compareNumber(String key, Compare.CompareTarget target, Compare.CompareResult result, long value) {
        Compare.Builder builder = Compare.newBuilder().setKey(bytes(key)).setTarget(target).setResult(result);
        return switch (target) {
            case VERSION -> builder.setVersion(value).build();
            case CREATE -> builder.setCreateRevision(value).build();
            case MOD -> builder.setModRevision(value).build();
            default -> throw new IllegalArgumentException(target.toString());
        };
    }

    private static long headerRevision(TxnResponse response, int op) {
        var item = response.getResponses(op);
        return switch (item.getResponseCase()) {
            case RESPONSE_PUT -> item.getResponsePut().getHeader().getRevision();
            case RESPONSE_RANGE -> item.getResponseRange().getHeader().getRevision();
            case RESPONSE_DELETE_RANGE -> item.getResponseDeleteRange().getHeader().getRevision();
            case RESPONSE_NOT_SET -> throw new AssertionError();
        };
    }

    static List<String> keys(RangeResponse response) {
        return response.getKvsList().stream().map(kv -> kv.getKey().toStringUtf8()).toList();
    }

}
