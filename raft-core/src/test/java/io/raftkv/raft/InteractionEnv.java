package io.raftkv.raft;

import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.log.MemoryLogStorage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The world an interaction script drives: nodes with their storage, a mailbox of messages in
 * flight, and the links cut between nodes. Each command runs synchronously and returns what it
 * printed; nothing happens that a command did not ask for, so a script is a precise, replayable
 * account of one interleaving. Test-only; not thread-safe.
 *
 * <p>Commands (any takes {@code quiet=true} to run without printing):
 * <pre>
 * add-nodes N [voters=(..)] [learners=(..)] [index=K] [term=T] [log=(terms)] [commit=C]
 *             [prevote=bool] [checkquorum=bool] [election=E] [heartbeat=H] [max-msg-bytes=B] [inflight=N]
 * campaign ID | propose ID data | propose-conf-change ID [vN lN rN ..] [transition=auto|joint|explicit]
 * transfer-leader from=X to=Y | read-index ID context | compact ID index | report-snapshot ID peer ok|fail
 * report-unreachable ID peer | restart ID
 * process-ready [ID..] | deliver-msgs [ID..] [drop=(ids)] [type=Name] [from=X] | stabilize [ID..]
 * drop from=X to=Y | isolate ID | partition (ids) (ids).. | heal
 * tick ID N | tick-heartbeat ID.. | tick-election ID..
 * raft-state | status ID | raft-log ID | app-state ID | log-level none|warn|info|debug
 * </pre>
 */
final class InteractionEnv {
    /** Which core log lines a script shows. */
    enum LogLevel { NONE, WARN, INFO, DEBUG }

    /** A one-way link that drops every message, until {@code heal}. */
    private record Link(long from, long to) {}

    private static final int STABILIZE_ROUNDS_MAX = 200;

    private final TreeMap<Long, InteractionPeer> peers = new TreeMap<>();
    /** Messages sent and not yet delivered or dropped, in send order. */
    private final List<Message> mailbox = new ArrayList<>();
    private final Set<Link> cut = new HashSet<>();
    private final List<String> output = new ArrayList<>();
    private LogLevel logLevel = LogLevel.INFO;
    private String indent = "";
    /** Set by a command's {@code quiet=true} option: it runs, printing nothing (for setup steps). */
    private boolean quiet;
    /** Core log lines seen at any level: tick-election ticks until its node logs something. */
    private long logEvents;

    private final RaftLogger logger = new RaftLogger() {
        @Override
        public void info(String line) {
            log(LogLevel.INFO, line);
        }

        @Override
        public void warn(String line) {
            log(LogLevel.WARN, line);
        }

        @Override
        public void debug(String line) {
            log(LogLevel.DEBUG, line);
        }
    };

    private void log(LogLevel level, String line) {
        logEvents++;
        if (level.compareTo(logLevel) <= 0) {
            print(level + " " + line);
        }
    }

    private void print(String line) {
        if (!quiet) {
            output.add(indent + line);
        }
    }

    /** Runs one command; returns its output lines (never empty, never with a blank line). */
    List<String> run(String line) {
        output.clear();
        indent = "";
        try {
            InteractionCommand command = InteractionCommand.parse(line);
            quiet = command.boolOption("quiet", false);
            execute(command);
        } catch (RuntimeException | AssertionError e) {
            indent = "";
            quiet = false;
            print("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        List<String> lines = output.stream().map(l -> l.isBlank() ? "<blank>" : l.stripTrailing()).toList();
        return lines.isEmpty() ? List.of("ok") : lines;
    }

    private void execute(InteractionCommand command) {
        switch (command.name()) {
            case "add-nodes" -> addNodes(command);
            case "campaign" -> peer(command.id(0)).node.campaign();
            case "propose" -> print(InteractionFormat.result(
                    peer(command.id(0)).node.propose(command.arg(1).getBytes(StandardCharsets.UTF_8))));
            case "propose-conf-change" -> proposeConfChange(command);
            case "deliver-msgs" -> deliverMessages(command);
            case "drop" -> cut.add(new Link(command.requiredLong("from"), command.requiredLong("to")));
            case "isolate" -> isolate(command.id(0));
            case "partition" -> partition(command);
            case "heal" -> cut.clear();
            case "process-ready" -> selected(command).forEach(this::processReady);
            case "stabilize" -> stabilize(selected(command));
            case "tick" -> tick(peer(command.id(0)), Integer.parseInt(command.arg(1)));
            case "tick-heartbeat" -> command.ids().forEach(id -> tick(peer(id), peer(id).config.heartbeatTicks()));
            case "tick-election" -> command.ids().forEach(this::tickElection);
            case "transfer-leader" -> print(InteractionFormat.result(
                    peer(command.requiredLong("from")).node.transferLeader(command.requiredLong("to"))));
            case "read-index" -> print(InteractionFormat.result(
                    peer(command.id(0)).node.readIndex(Long.parseLong(command.arg(1)))));
            case "compact" -> peer(command.id(0)).compact(Long.parseLong(command.arg(1)));
            case "report-snapshot" -> peer(command.id(0)).node.reportSnapshot(command.id(1),
                    switch (command.arg(2)) {
                        case "ok" -> true;
                        case "fail" -> false;
                        default -> throw new IllegalArgumentException("report-snapshot wants ok or fail");
                    });
            case "report-unreachable" -> peer(command.id(0)).node.reportUnreachable(command.id(1));
            case "restart" -> restart(peer(command.id(0)));
            case "raft-state" -> raftState();
            case "status" -> status(peer(command.id(0)));
            case "raft-log" -> raftLog(peer(command.id(0)));
            case "app-state" -> print(String.join(",", peer(command.id(0)).appliedData()));
            case "log-level" -> logLevel = LogLevel.valueOf(command.arg(0).toUpperCase(java.util.Locale.ROOT));
            default -> throw new IllegalArgumentException("unknown command " + command.name());
        }
    }

    private InteractionPeer peer(long id) {
        InteractionPeer peer = peers.get(id);
        if (peer == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return peer;
    }

    /** The positional ids of a command, or every node when there are none. */
    private List<Long> selected(InteractionCommand command) {
        return command.args().isEmpty() ? List.copyOf(peers.keySet()) : command.ids();
    }

    // ---------------------------------------------------------------- setup

    /**
     * {@code add-nodes N [voters=(..)] [learners=(..)] [index=K] [term=T] [log=(terms)] [commit=C]
     * [prevote=bool] [checkquorum=bool] [election=E] [heartbeat=H] [max-msg-bytes=B] [inflight=N]}.
     * With voters or learners, each node starts from a snapshot at index K (default 1, term 1) with
     * that membership, then holds entries of the given terms at K+1, K+2, ...; without, it starts
     * empty, as a node about to be added does.
     */
    private void addNodes(InteractionCommand command) {
        int count = Integer.parseInt(command.arg(0));
        Set<Long> voters = new TreeSet<>(command.listOption("voters"));
        Set<Long> learners = new TreeSet<>(command.listOption("learners"));
        long index = command.longOption("index", 1);
        List<Long> terms = command.listOption("log");
        long firstId = peers.isEmpty() ? 1 : peers.lastKey() + 1;
        for (long id = firstId; id < firstId + count; id++) {
            MemoryLogStorage storage = new MemoryLogStorage();
            if (!voters.isEmpty() || !learners.isEmpty()) {
                ConfState confState = new ConfState(voters, learners, Set.of(), Set.of(), false);
                storage.applySnapshot(new Snapshot(new SnapshotMetadata(index, 1, confState), new byte[0]));
                List<Entry> entries = new ArrayList<>();
                long lastTerm = 1;
                for (int i = 0; i < terms.size(); i++) {
                    entries.add(Entry.normal(index + 1 + i, terms.get(i), new byte[0]));
                    lastTerm = Math.max(lastTerm, terms.get(i));
                }
                storage.append(entries);
                storage.setHardState(new HardState(command.longOption("term", lastTerm), 0, command.longOption("commit", index)));
            }
            Config config = Config.defaults(id, id)
                    .withTicks((int) command.longOption("election", 10), (int) command.longOption("heartbeat", 1))
                    .withElectionSafety(command.boolOption("prevote", true), command.boolOption("checkquorum", true))
                    .withLogger(logger);
            if (command.has("max-msg-bytes") || command.has("inflight")) {
                long messageBytes = command.longOption("max-msg-bytes", config.messageBytesMax());
                config = config.withLimits(messageBytes, Math.min(messageBytes, config.entryBytesMax()),
                        (int) command.longOption("inflight", config.inflightMessagesMax()), config.inflightBytesMax(),
                        config.uncommittedBytesMax(), config.committedBytesPerReadyMax(), config.pendingReadsMax());
            }
            peers.put(id, new InteractionPeer(id, config, storage));
        }
    }

    /** {@code propose-conf-change ID v4 l5 r2 [transition=auto|joint|explicit] [context=text]}; no changes leaves joint. */
    private void proposeConfChange(InteractionCommand command) {
        List<ConfChange.Change> changes = new ArrayList<>();
        for (String token : command.args().subList(1, command.args().size())) {
            ConfChange.ChangeType type = switch (token.charAt(0)) {
                case 'v' -> ConfChange.ChangeType.ADD_VOTER;
                case 'l' -> ConfChange.ChangeType.ADD_LEARNER;
                case 'r' -> ConfChange.ChangeType.REMOVE;
                default -> throw new IllegalArgumentException("conf change token " + token + " is not v<id>, l<id> or r<id>");
            };
            changes.add(new ConfChange.Change(type, Long.parseLong(token.substring(1))));
        }
        ConfChange.Transition transition = switch (command.option("transition", "auto")) {
            case "auto" -> ConfChange.Transition.AUTO;
            case "joint" -> ConfChange.Transition.JOINT_IMPLICIT;
            case "explicit" -> ConfChange.Transition.JOINT_EXPLICIT;
            default -> throw new IllegalArgumentException("transition must be auto, joint or explicit");
        };
        byte[] context = command.option("context", "").getBytes(StandardCharsets.UTF_8);
        print(InteractionFormat.result(peer(command.id(0)).node.proposeConfChange(new ConfChange(transition, changes, context))));
    }

    private void restart(InteractionPeer peer) {
        print("> " + peer.id + " restarting from storage: " + InteractionFormat.hardState(peer.storage.hardState())
                + " last=" + peer.storage.lastIndex());
        indent = "  ";
        peer.restart();
        indent = "";
    }

    // ---------------------------------------------------------------- network

    private void isolate(long id) {
        for (long other : peers.keySet()) {
            if (other != id) {
                cut.add(new Link(id, other));
                cut.add(new Link(other, id));
            }
        }
    }

    /** {@code partition (1) (2,3)}: every link between different groups is cut, both ways. */
    private void partition(InteractionCommand command) {
        List<List<Long>> groups = command.args().stream().map(InteractionCommand::parseList).toList();
        for (int i = 0; i < groups.size(); i++) {
            for (int j = 0; j < groups.size(); j++) {
                if (i != j) {
                    for (long from : groups.get(i)) {
                        for (long to : groups.get(j)) {
                            cut.add(new Link(from, to));
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code deliver-msgs [ID..] [drop=(ids)] [type=Name] [from=X]}: delivers pending messages to the
     * given nodes (every node when none), in send order. Messages addressed to {@code drop} nodes,
     * or over a cut link, are discarded instead; {@code type} and {@code from} leave the other
     * messages in the mailbox.
     */
    private void deliverMessages(InteractionCommand command) {
        Set<Long> drop = new TreeSet<>(command.listOption("drop"));
        TreeSet<Long> recipients = new TreeSet<>(command.args().isEmpty() ? peers.keySet() : command.ids());
        recipients.addAll(drop);
        String type = command.option("type", null);
        long from = command.longOption("from", 0);
        for (long to : recipients) {
            deliver(to, drop.contains(to), message -> (type == null || message.getClass().getSimpleName().equals(type))
                    && (from == 0 || message.from() == from));
        }
    }

    private boolean deliver(long to, boolean dropAll, java.util.function.Predicate<Message> filter) {
        List<Message> batch = new ArrayList<>();
        for (Iterator<Message> it = mailbox.iterator(); it.hasNext(); ) {
            Message message = it.next();
            if (message.to() == to && filter.test(message)) {
                batch.add(message);
                it.remove();
            }
        }
        if (batch.isEmpty()) {
            return false;
        }
        print("> " + to + " receiving messages");
        indent = "  ";
        for (Message message : batch) {
            if (dropAll || cut.contains(new Link(message.from(), message.to())) || !peers.containsKey(to)) {
                print("dropped: " + InteractionFormat.message(message));
            } else {
                print(InteractionFormat.message(message));
                peers.get(to).node.step(message);
            }
        }
        indent = "";
        return true;
    }

    // ---------------------------------------------------------------- the Ready loop

    /** One turn of the driver contract ({@link Ready}), printing the Ready it handles. */
    private boolean processReady(long id) {
        InteractionPeer peer = peer(id);
        if (!peer.node.hasReady()) {
            print("> " + id + " has no Ready");
            return false;
        }
        Ready ready = peer.node.ready();
        print("> " + id + " handling Ready" + (ready.mustSync() ? " (must sync)" : ""));
        indent = "  ";
        if (!ready.softState().equals(peer.printedSoftState)) {
            print("soft-state: " + InteractionFormat.softState(ready.softState()));
            peer.printedSoftState = ready.softState();
        }
        if (ready.hardState() != null) {
            print("hard-state: " + InteractionFormat.hardState(ready.hardState()));
        }
        if (ready.snapshot() != null) {
            print("snapshot: " + InteractionFormat.snapshot(ready.snapshot()));
        }
        section("entries:", ready.entries().stream().map(InteractionFormat::entry).toList());
        section("committed:", ready.committedEntries().stream().map(InteractionFormat::entry).toList());
        section("send now:", ready.messagesNow().stream().map(InteractionFormat::message).toList());
        section("send after persist:", ready.messagesAfterPersist().stream().map(InteractionFormat::message).toList());
        section("read-states:", ready.readStates().stream()
                .map(state -> "index=" + state.index() + " context=" + state.context()).toList());
        mailbox.addAll(ready.messagesNow());
        peer.persistAndApply(ready);
        mailbox.addAll(ready.messagesAfterPersist());
        peer.node.advance(ready);
        indent = "";
        return true;
    }

    private void section(String title, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        print(title);
        String outer = indent;
        indent = outer + "  ";
        lines.forEach(this::print);
        indent = outer;
    }

    /** Handles Readies and delivers messages among {@code ids} until nothing is left to do. */
    private void stabilize(List<Long> ids) {
        for (int round = 0; round < STABILIZE_ROUNDS_MAX; round++) {
            boolean busy = false;
            for (long id : ids) {
                if (peer(id).node.hasReady()) {
                    busy |= processReady(id);
                }
            }
            for (long id : ids) {
                busy |= deliver(id, false, message -> true);
            }
            if (!busy) {
                return;
            }
        }
        throw new IllegalStateException("stabilize did not settle in " + STABILIZE_ROUNDS_MAX + " rounds");
    }

    // ---------------------------------------------------------------- time

    private void tick(InteractionPeer peer, int ticks) {
        for (int i = 0; i < ticks; i++) {
            peer.node.tick();
        }
    }

    /**
     * A leader ticks one election timeout (one check-quorum round), or until it steps down. Any
     * other node ticks until its
     * randomized election timer fires, which it always logs (a campaign, or why it did not), up to
     * the longest timeout, 2 * electionTicks - 1: a learner ticks that long and nothing happens.
     */
    private void tickElection(long id) {
        InteractionPeer peer = peer(id);
        if (peer.node.status().role() == StateRole.LEADER) {
            for (int i = 0; i < peer.config.electionTicks() && peer.node.status().role() == StateRole.LEADER; i++) {
                peer.node.tick();
            }
            return;
        }
        for (int i = 0; i < 2 * peer.config.electionTicks() - 1; i++) {
            long before = logEvents;
            peer.node.tick();
            if (logEvents != before) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- inspection

    private void raftState() {
        for (InteractionPeer peer : peers.values()) {
            RaftNode.Status status = peer.node.status();
            print(peer.id + ": " + status.role() + " term=" + status.term() + " vote=" + status.vote()
                    + " lead=" + status.leader() + " commit=" + status.commit() + " applied=" + status.applied()
                    + " last=" + status.lastIndex() + (status.isLearner() ? " learner" : ""));
        }
    }

    private void status(InteractionPeer peer) {
        RaftNode.Status status = peer.node.status();
        print("config: " + InteractionFormat.confState(status.confState()));
        if (status.role() != StateRole.LEADER) {
            print(status.role() + ": no progress to show");
            return;
        }
        for (Map.Entry<Long, String> progress : status.progress().entrySet()) {
            print(progress.getKey() + ": " + progress.getValue());
        }
        if (status.transferee() != 0) {
            print("transferring leadership to " + status.transferee());
        }
    }

    private void raftLog(InteractionPeer peer) {
        RaftNode.Status status = peer.node.status();
        if (status.lastIndex() < status.firstIndex()) {
            print("log is empty: first index=" + status.firstIndex() + ", last index=" + status.lastIndex());
            return;
        }
        peer.node.entries(status.firstIndex(), status.lastIndex() + 1).forEach(e -> print(InteractionFormat.entry(e)));
    }
}
