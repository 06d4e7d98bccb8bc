package io.raftkv.check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Generates linearizable histories by simulating a real register store with concurrent clients.
 * Each operation takes effect atomically at a random moment between its invoke and its
 * completion, so the result is linearizable by construction. Some outcomes are reported as info:
 * either after the operation took effect, or before, in which case it may still take effect at a
 * random later moment (even after the info event) or never, as a lost or delayed request would.
 * Some failed cas operations and reads come out as fail. Everything derives from one seed.
 */
final class HistoryGenerator {

    /** @param valueRange values are integers in [0, valueRange); small ranges make cas succeed often */
    record Settings(long seed, int processes, int keys, int operations, double infoRate, int valueRange) {}

    private enum Phase { IDLE, INVOKED, APPLIED }

    private static final class Client {
        Phase phase = Phase.IDLE;
        String key;
        Call call;
        Call result;
        boolean succeeded;
    }

    /** An operation reported as info before it took effect: it may still take effect, or never. */
    private record Ghost(String key, Call call) {}

    private final Settings settings;
    private final SplittableRandom random;
    private final Map<String, Value> store = new HashMap<>();
    private final List<Ghost> ghosts = new ArrayList<>();
    private final List<Event> events = new ArrayList<>();
    private long time;

    private HistoryGenerator(Settings settings) {
        this.settings = settings;
        this.random = new SplittableRandom(settings.seed());
    }

    static List<Event> generate(Settings settings) {
        return new HistoryGenerator(settings).run();
    }

    private List<Event> run() {
        Client[] clients = new Client[settings.processes()];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new Client();
        }
        int invoked = 0;
        int busy = 0;
        // Bounded: each visit to a busy client ends its operation with probability >= 1/4, so
        // this many steps are far more than enough; hitting the bound means a generator bug.
        long stepsMax = 1000L * settings.operations() + 10_000;
        for (long step = 0; invoked < settings.operations() || busy > 0; step++) {
            if (step > stepsMax) {
                throw new IllegalStateException("generator did not finish in " + stepsMax + " steps");
            }
            maybeApplyGhost();
            int process = random.nextInt(clients.length);
            Client client = clients[process];
            switch (client.phase) {
                case IDLE -> {
                    if (invoked < settings.operations()) {
                        invoke(process, client);
                        invoked++;
                        busy++;
                    }
                }
                case INVOKED -> busy -= advanceInvoked(process, client) ? 1 : 0;
                case APPLIED -> {
                    if (random.nextDouble() < 0.5) {
                        complete(process, client);
                        busy--;
                    }
                }
            }
        }
        return events;
    }

    private void invoke(int process, Client client) {
        client.key = "k" + random.nextInt(settings.keys());
        double choice = random.nextDouble();
        if (choice < 0.4) {
            client.call = Call.read();
        } else if (choice < 0.7) {
            client.call = Call.write(randomValue());
        } else {
            client.call = Call.cas(randomValue(), randomValue());
        }
        client.phase = Phase.INVOKED;
        emit(process, EventType.INVOKE, client.key, client.call);
    }

    /**
     * Before taking effect the operation may be reported as info and become a ghost (returns true:
     * the client's operation ended), or take effect now, or wait.
     */
    private boolean advanceInvoked(int process, Client client) {
        double choice = random.nextDouble();
        if (choice < settings.infoRate() / 4) {
            emit(process, EventType.INFO, client.key, client.call);
            if (!(client.call instanceof Call.Read)) {
                ghosts.add(new Ghost(client.key, client.call));
            }
            client.phase = Phase.IDLE;
            return true;
        }
        if (choice < 0.5) {
            apply(client);
            client.phase = Phase.APPLIED;
        }
        return false;
    }

    private void apply(Client client) {
        Value current = store.getOrDefault(client.key, Value.NIL);
        switch (client.call) {
            case Call.Read read -> {
                client.result = new Call.Read(Optional.of(current));
                client.succeeded = true;
            }
            case Call.Write write -> {
                store.put(client.key, write.value());
                client.result = write;
                client.succeeded = true;
            }
            case Call.Cas cas -> {
                client.succeeded = cas.expected().equals(current);
                if (client.succeeded) {
                    store.put(client.key, cas.replacement());
                }
                client.result = cas;
            }
        }
    }

    private void complete(int process, Client client) {
        double choice = random.nextDouble();
        if (choice < settings.infoRate() / 2) {
            emit(process, EventType.INFO, client.key, client.call);
        } else if (!client.succeeded || (client.call instanceof Call.Read && choice > 0.99)) {
            emit(process, EventType.FAIL, client.key, client.call);
        } else {
            emit(process, EventType.OK, client.key, client.result);
        }
        client.phase = Phase.IDLE;
    }

    private void maybeApplyGhost() {
        if (ghosts.isEmpty() || random.nextDouble() >= 0.01) {
            return;
        }
        Ghost ghost = ghosts.remove(random.nextInt(ghosts.size()));
        if (random.nextBoolean()) {
            return; // This one never takes effect.
        }
        Value current = store.getOrDefault(ghost.key(), Value.NIL);
        switch (ghost.call()) {
            case Call.Write write -> store.put(ghost.key(), write.value());
            case Call.Cas cas -> {
                if (cas.expected().equals(current)) {
                    store.put(ghost.key(), cas.replacement());
                }
            }
            case Call.Read read -> throw new AssertionError("reads never become ghosts");
        }
    }

    private Value randomValue() {
        return new Value.Int(random.nextInt(settings.valueRange()));
    }

    private void emit(int process, EventType type, String key, Call call) {
        time += 1 + random.nextInt(5);
        events.add(Event.of(process, type, key, call, OptionalLong.of(time)));
    }
}
