package io.raftkv.server.storage;

import static io.raftkv.server.storage.TestEntries.command;
import static io.raftkv.server.storage.TestEntries.expireSessions;
import static io.raftkv.server.storage.TestEntries.get;
import static io.raftkv.server.storage.TestEntries.put;
import static io.raftkv.server.storage.TestEntries.withSession;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.command.Command;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exactly-once execution through client sessions (Raft thesis §6.3). */
class ExactlyOnceTest {
    private static final long CLIENT = 42;

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
    void theSameRequestAppliedTwiceHasOneEffectAndTheSameResponse() {
        Command request = withSession(put("counter", "1"), CLIENT, 1, 1_000);
        ApplyResult.Ok first = assertInstanceOf(ApplyResult.Ok.class, apply(request));
        ApplyResult.Ok retry = assertInstanceOf(ApplyResult.Ok.class, apply(request.toBuilder().setProposedAtMillis(2_000).build()));
        assertEquals(first.response(), retry.response(), "the retry is answered with the first response, unchanged");
        assertEquals(2, ((PutResponse) retry.response()).getHeader().getRevision());
        assertEquals(1, machine.range(get("counter")).getKvs(0).getVersion(), "applied once");
        assertEquals(2, machine.revision());
    }

    @Test
    void aRetryIsRecognisedAfterARestart() {
        Command request = withSession(put("a", "1"), CLIENT, 7, 1_000);
        ApplyResult.Ok first = assertInstanceOf(ApplyResult.Ok.class, apply(request));
        machine.close();
        machine = KvStateMachine.open(dir.resolve("state"));
        ApplyResult.Ok retry = assertInstanceOf(ApplyResult.Ok.class, apply(request));
        assertEquals(first.response(), retry.response());
        assertEquals(1, machine.range(get("a")).getKvs(0).getVersion());
    }

    @Test
    void anOlderSequenceIsRefusedAsStale() {
        apply(withSession(put("a", "1"), CLIENT, 1, 1_000));
        apply(withSession(put("a", "2"), CLIENT, 2, 1_000));
        ApplyResult.Error stale = assertInstanceOf(ApplyResult.Error.class, apply(withSession(put("a", "old"), CLIENT, 1, 1_000)));
        assertEquals(io.raftkv.server.ErrorCode.STALE_SEQUENCE, stale.code());
        assertTrue(stale.message().startsWith("stale sequence"), stale.message());
        assertEquals("2", machine.range(get("a")).getKvs(0).getValue().toStringUtf8());
    }

    @Test
    void sequencesMaySkipAheadButNotGoBack() {
        apply(withSession(put("a", "1"), CLIENT, 1, 1_000));
        assertInstanceOf(ApplyResult.Ok.class, apply(withSession(put("a", "5"), CLIENT, 5, 1_000)));
        assertInstanceOf(ApplyResult.Error.class, apply(withSession(put("a", "3"), CLIENT, 3, 1_000)));
    }

    @Test
    void clientIdZeroHasNoSessionAndIsAppliedEveryTime() {
        Command request = put("a", "1");
        apply(request);
        apply(request);
        assertEquals(2, machine.range(get("a")).getKvs(0).getVersion());
    }

    @Test
    void sessionsNotSeenSinceTheExpiryTimeAreDroppedAndTheirRetriesApplyAgain() {
        Command oldClient = withSession(put("old", "1"), 1, 1, 1_000);
        Command activeClient = withSession(put("active", "1"), 2, 1, 5_000);
        apply(oldClient);
        apply(activeClient);
        assertInstanceOf(ApplyResult.Noop.class, apply(expireSessions(5_000)));
        // The expired session is forgotten: its retry is new to the state machine.
        apply(oldClient);
        assertEquals(2, machine.range(get("old")).getKvs(0).getVersion());
        // The active one (last seen exactly at the expiry time) is kept: its retry is recognised.
        apply(activeClient);
        assertEquals(1, machine.range(get("active")).getKvs(0).getVersion());
    }

    @Test
    void aSessionWrittenExpiredAndUsedAgainInOneBatchIsNewAfterTheExpiryInThatBatchAndTheNext() {
        Command first = withSession(put("a", "1"), CLIENT, 1, 1_000);
        List<ApplyResult> results = machine.apply(List.of(command(nextIndex++, first),
                command(nextIndex++, expireSessions(2_000)), command(nextIndex++, first)));
        assertEquals(3, results.size());
        assertEquals(2, machine.range(get("a")).getKvs(0).getVersion(), "the retry after the expiry applied again");
        apply(first);
        assertEquals(2, machine.range(get("a")).getKvs(0).getVersion(), "the session it started recognises it");
        apply(expireSessions(2_000));
        apply(first);
        assertEquals(3, machine.range(get("a")).getKvs(0).getVersion(), "expired again, in a batch of its own");
    }

    @Test
    void aRetryRefreshesLastSeenSoTheSessionOutlivesAnExpiry() {
        Command request = withSession(put("a", "1"), CLIENT, 1, 1_000);
        apply(request);
        apply(request.toBuilder().setProposedAtMillis(9_000).build());
        apply(expireSessions(5_000));
        apply(request);
        assertEquals(1, machine.range(get("a")).getKvs(0).getVersion());
    }

    @Test
    void aFailedCommandDoesNotAdvanceTheSession() {
        ApplyResult.Error error = assertInstanceOf(ApplyResult.Error.class, apply(withSession(put("", "x"), CLIENT, 1, 1_000)));
        assertEquals(io.raftkv.server.ErrorCode.KEY_EMPTY, error.code());
        assertInstanceOf(ApplyResult.Ok.class, apply(withSession(put("a", "1"), CLIENT, 1, 1_000)));
    }

    @Test
    void sequenceZeroWithAClientIdIsRefused() {
        ApplyResult.Error error = assertInstanceOf(ApplyResult.Error.class, apply(withSession(put("a", "1"), CLIENT, 0, 1_000)));
        assertEquals(io.raftkv.server.ErrorCode.BAD_REQUEST, error.code());
    }

    private ApplyResult apply(Command command) {
        List<ApplyResult> results = machine.apply(List.of(command(nextIndex++, command)));
        return results.getFirst();
    }
}
