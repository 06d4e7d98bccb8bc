package io.raftkv.chaos;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.raftkv.check.Call;
import io.raftkv.check.Command;
import io.raftkv.check.EventType;
import io.raftkv.check.Value;
import io.raftkv.proto.api.Compare;
import io.raftkv.proto.api.KeyValue;
import io.raftkv.proto.api.PutRequest;
import io.raftkv.proto.api.PutResponse;
import io.raftkv.proto.api.RangeRequest;
import io.raftkv.proto.api.RangeResponse;
import io.raftkv.proto.api.RequestId;
import io.raftkv.proto.api.RequestOp;
import io.raftkv.proto.api.TxnRequest;
import io.raftkv.proto.api.TxnResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * One client process of the history: runs one operation at a time and records it. Writes carry a
 * request id (client id, sequence) and are retried with the same id while their outcome is unknown:
 * the server applies a retried write once and answers with the first result, so a retry turns an
 * unknown outcome into a known one. Only a write whose every attempt was refused outright (NOT_LEADER,
 * NO_LEADER, a full queue) is recorded as fail; one still unknown at its deadline is recorded as info.
 * Not thread-safe: one thread per worker.
 */
final class Worker implements Runnable {
    /** Answers that prove the request was not executed (refused before it reached the log). */
    private static final Set<String> REFUSED = Set.of("NOT_LEADER", "NO_LEADER", "QUEUE_FULL", "DISK_FULL");
    /** Answers that say the request itself is wrong: retrying cannot help. A harness bug if seen. */
    private static final Set<String> INVALID = Set.of("KEY_EMPTY", "KEY_TOO_LARGE", "VALUE_TOO_LARGE", "TOO_MANY_OPS",
            "BAD_REQUEST");

    private final Workload shared;
    private final int process;
    private final long clientId;
    private final SplittableRandom random;
    private long sequence;
    private int home;

    Worker(Workload shared, int process, long clientId, SplittableRandom random, int home) {
        this.shared = shared;
        this.process = process;
        this.clientId = clientId;
        this.random = random;
        this.home = home;
    }

    int process() {
        return process;
    }

    @Override
    public void run() {
        try {
            while (shared.awaitTurn()) {
                String key = shared.keys.get(random.nextInt(shared.keys.size()));
                int dice = random.nextInt(100);
                Value expected = shared.lastSeen(key);
                if (dice < 50) {
                    read(key);
                } else if (dice < 80 || !(expected instanceof Value.Int number)) {
                    write(key, shared.newValue());
                } else {
                    cas(key, number.value(), shared.newValue());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(String key) {
        shared.history.invoke(process, key, Call.read());
        int slot = home;
        try {
            RangeResponse response = shared.client.range(slot, RangeRequest.newBuilder().setKey(bytes(key)).build(),
                    Workload.READ_DEADLINE);
            Value value = response.getKvsCount() == 0 ? Value.NIL : decode(response.getKvs(0).getValue());
            shared.history.ok(process, key, Call.read(value));
            shared.saw(key, value);
            shared.completed(Command.READ, EventType.OK);
        } catch (StatusRuntimeException e) {
            shared.client.noteFailure(slot, e);
            // A read changes nothing, so either completion is true; info keeps "fail" for refusals.
            EventType outcome = REFUSED.contains(ClusterClient.errorCode(e)) ? EventType.FAIL : EventType.INFO;
            shared.history.record(process, outcome, key, Call.read());
            shared.completed(Command.READ, outcome);
            home = home % shared.nodes + 1; // try the next node for the next read
        }
    }

    private void write(String key, long value) throws InterruptedException {
        RequestId id = nextRequestId();
        PutRequest put = PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(Long.toString(value)))
                .setPrevKv(true).setRequestId(id).build();
        Call call = Call.write(value);
        shared.history.invoke(process, key, call);
        Outcome<PutResponse> outcome = retry(slot -> shared.client.put(slot, put, Workload.WRITE_ATTEMPT_DEADLINE));
        if (outcome.response != null) {
            acknowledge(key, value, outcome.response.hasPrevKv() ? outcome.response.getPrevKv() : null);
            finish(Command.WRITE, EventType.OK, key, call);
        } else {
            finish(Command.WRITE, outcome.uncertain ? EventType.INFO : EventType.FAIL, key, call);
        }
    }

    private void cas(String key, long expectedNumber, long value) throws InterruptedException {
        TxnRequest txn = TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VALUE)
                        .setResult(Compare.CompareResult.EQUAL).setValue(bytes(Long.toString(expectedNumber))))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))
                        .setValue(bytes(Long.toString(value))).setPrevKv(true)))
                .setRequestId(nextRequestId()).build();
        Call call = Call.cas(expectedNumber, value);
        shared.history.invoke(process, key, call);
        Outcome<TxnResponse> outcome = retry(slot -> shared.client.txn(slot, txn, Workload.WRITE_ATTEMPT_DEADLINE));
        if (outcome.response == null) {
            finish(Command.CAS, outcome.uncertain ? EventType.INFO : EventType.FAIL, key, call);
        } else if (!outcome.response.getSucceeded()) {
            finish(Command.CAS, EventType.FAIL, key, call); // the compare did not hold: no effect
        } else {
            PutResponse put = outcome.response.getResponses(0).getResponsePut();
            acknowledge(key, value, put.hasPrevKv() ? put.getPrevKv() : null);
            finish(Command.CAS, EventType.OK, key, call);
        }
    }

    private void finish(Command command, EventType outcome, String key, Call call) {
        shared.history.record(process, outcome, key, call);
        shared.completed(command, outcome);
    }

    private void acknowledge(String key, long value, KeyValue previous) {
        Long previousValue = null;
        long version = 1;
        if (previous != null) {
            version = previous.getVersion() + 1;
            Value decoded = decode(previous.getValue());
            previousValue = decoded instanceof Value.Int number ? number.value() : null;
        }
        shared.acknowledged.add(new AcknowledgedWrites.Ack(key, value, version, previousValue));
        shared.saw(key, new Value.Int(value));
    }

    /** The response, or null with whether the write may have been applied. */
    private record Outcome<R>(R response, boolean uncertain) {}

    /**
     * Sends the request to the leader until it is answered, refused for good, or the write deadline
     * passes. Every attempt carries the same request id, so it is applied at most once.
     */
    private <R> Outcome<R> retry(Function<Integer, R> attempt) throws InterruptedException {
        long deadline = System.nanoTime() + Workload.WRITE_DEADLINE.toNanos();
        boolean uncertain = false;
        int slot = leaderOr(home);
        int redirects = 0;
        while (true) {
            try {
                return new Outcome<>(attempt.apply(slot), false);
            } catch (StatusRuntimeException e) {
                shared.client.noteFailure(slot, e);
                String code = ClusterClient.errorCode(e);
                if (INVALID.contains(code)) {
                    System.err.println("chaos: worker " + process + " sent an invalid request: " + e.getStatus());
                    return new Outcome<>(null, uncertain);
                }
                uncertain |= !REFUSED.contains(code);
                if (System.nanoTime() > deadline) {
                    return new Outcome<>(null, uncertain);
                }
                int redirect = ClusterClient.redirectSlot(e);
                if (REFUSED.contains(code) && redirect != 0 && redirect != slot && redirects++ < 3) {
                    slot = redirect; // the node named its leader: go there at once (a few times in a row)
                    continue;
                }
                redirects = 0;
                Thread.sleep(50 + random.nextInt(100));
                int leader = shared.leaders.leaderSlot();
                slot = leader != 0 && leader != slot ? leader : slot % shared.nodes + 1;
            }
        }
    }

    private int leaderOr(int fallback) {
        int leader = shared.leaders.leaderSlot();
        return leader != 0 ? leader : fallback;
    }

    private RequestId nextRequestId() {
        return RequestId.newBuilder().setClientId(clientId).setSequence(++sequence).build();
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFrom(text, StandardCharsets.UTF_8);
    }

    /** Values are decimal numbers; anything else is recorded as a string, which the checker will flag. */
    private static Value decode(ByteString bytes) {
        String text = bytes.toString(StandardCharsets.UTF_8);
        try {
            return new Value.Int(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return new Value.Str(text);
        }
    }
}
