package io.raftkv.raft;

import io.raftkv.raft.Message.AppendEntries;
import io.raftkv.raft.Message.AppendResponse;
import io.raftkv.raft.Message.Heartbeat;
import io.raftkv.raft.Message.HeartbeatResponse;
import io.raftkv.raft.Message.InstallSnapshot;
import io.raftkv.raft.Message.ReadIndexRequest;
import io.raftkv.raft.Message.ReadIndexResponse;
import io.raftkv.raft.Message.RequestVote;
import io.raftkv.raft.Message.TimeoutNow;
import io.raftkv.raft.Message.VoteResponse;
import io.raftkv.raft.ProposeResult.DropReason;
import io.raftkv.raft.confchange.ConfChange;
import io.raftkv.raft.confchange.ConfChangeCodec;
import io.raftkv.raft.confchange.Changer;
import io.raftkv.raft.log.LogStorage;
import io.raftkv.raft.log.RaftLog;
import io.raftkv.raft.log.StorageException;
import io.raftkv.raft.read.ReadIndexQueue;
import io.raftkv.raft.tracker.Inflights;
import io.raftkv.raft.tracker.Progress;
import io.raftkv.raft.tracker.ProgressTracker;
import io.raftkv.raft.tracker.TrackerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * The Raft protocol state of one node: term and vote, the log, membership and progress, and the
 * current role. {@link #step} settles the term first, handles votes (which every role answers the
 * same way), then hands the message to the role. Outputs accumulate in {@link #messagesNow},
 * {@link #messagesAfterPersist} and {@link #readStates} until {@link RaftNode} packs them into a
 * Ready. Not thread-safe; owned by the raft loop. No clocks, threads, I/O or unseeded randomness.
 */
final class Raft {
    final Config config;
    final long id;
    final RaftLog raftLog;
    final ProgressTracker tracker;
    private final SplittableRandom random;

    long term;
    long vote;
    long lead;
    Role role;
    int electionElapsed;
    int heartbeatElapsed;
    private int randomizedElectionTimeout;
    /** Log index of the newest conf change a leader proposed; a new one waits until it is applied. */
    long pendingConfIndex;
    /** Entry bytes a leader appended and has not yet handed out committed. */
    private long uncommittedBytes;
    /** Monotonic read-index round counter, never reset, so rounds of different terms never collide. */
    private long readRound;
    /** Leader: entries were appended since the last broadcast; sending waits for the next Ready. */
    private boolean appendsPending;

    final List<Message> messagesNow = new ArrayList<>();
    final List<Message> messagesAfterPersist = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();

    Raft(Config config, LogStorage storage) {
        this.config = config;
        this.id = config.id();
        this.random = new SplittableRandom(config.seed());
        this.raftLog = new RaftLog(storage);
        this.tracker = new ProgressTracker(TrackerConfig.of(storage.confState()), new TreeMap<>());
        this.tracker.reset(tracker.config(), progressFor(tracker.config(), new TreeMap<>()));
        HardState hardState = storage.hardState();
        Invariants.check(hardState.commit() <= raftLog.lastIndex(),
                "persisted commit %d is beyond the persisted log's last index %d", hardState.commit(), raftLog.lastIndex());
        this.term = hardState.term();
        this.vote = hardState.vote();
        raftLog.commitTo(hardState.commit());
        becomeFollower(term, 0);
        logger().info(String.format("node=%d started term=%d commit=%d applied=%d last=%s config=%s",
                id, term, raftLog.committed(), raftLog.applied(), raftLog.lastEntryId(), tracker.config()));
    }

    RaftLogger logger() {
        return config.logger();
    }

    HardState hardState() {
        return new HardState(term, vote, raftLog.committed());
    }

    SoftState softState() {
        return new SoftState(lead, role.stateRole());
    }

    boolean isLeader() {
        return role instanceof LeaderRole;
    }

    /** A voter of the configuration in force; learners and removed nodes never campaign. */
    boolean promotable() {
        return tracker.isVoter(id) && raftLog.unstableSnapshot() == null;
    }

    // ---------------------------------------------------------------- inputs

    void step(Message message) {
        Invariants.check(message.to() == id, "node=%d got a message for node=%d", id, message.to());
        if (message.term() > term) {
            if (message instanceof RequestVote request && !request.transfer() && inLease()) {
                // A leader we heard from recently is alive: do not let a partitioned node's campaign
                // (or its pre-vote) disrupt it (thesis §4.2.3). Transfers are exempt: the leader asked.
                logger().info(String.format("node=%d ignored %s from=%d term=%d: leader=%d is in lease",
                        id, request.preVote() ? "pre-vote" : "vote", request.from(), request.term(), lead));
                return;
            }
            if (message instanceof RequestVote request && request.preVote()) {
                // A pre-vote never changes our term: the sender has not campaigned.
            } else if (message instanceof VoteResponse response && response.preVote() && !response.reject()) {
                // A granted pre-vote carries the term we would campaign in; we bump it when we win.
            } else {
                long leader = switch (message) {
                    case AppendEntries ignored -> message.from();
                    case Heartbeat ignored -> message.from();
                    case InstallSnapshot ignored -> message.from();
                    default -> 0;
                };
                logger().info(String.format("node=%d received a higher term from=%d term=%d, was term=%d (%s)",
                        id, message.from(), message.term(), term, message.getClass().getSimpleName()));
                becomeFollower(message.term(), leader);
            }
        } else if (message.term() < term) {
            onStaleTerm(message);
            return;
        }
        if (message instanceof RequestVote request) {
            answerVote(request);
        } else {
            role.step(this, message);
        }
    }

    private void onStaleTerm(Message message) {
        if ((config.checkQuorum() || config.preVote())
                && (message instanceof AppendEntries || message instanceof Heartbeat)) {
            // With check-quorum or pre-vote, a node partitioned away may have stopped bumping its term;
            // tell the stale leader our term so it steps down instead of being ignored forever.
            send(AppendResponse.accept(id, message.from(), term, 0));
        } else if (message instanceof RequestVote request && request.preVote()) {
            // Reject so the pre-candidate learns our term and does not wait for a timeout.
            send(new VoteResponse(id, message.from(), term, true, true));
        } else {
            ignore(message, "stale term " + message.term() + " < " + term);
        }
    }

    private boolean inLease() {
        return config.checkQuorum() && lead != 0 && electionElapsed < config.electionTicks();
    }

    private void answerVote(RequestVote request) {
        // We may vote for a candidate we already voted for (a retry), or anyone if we have neither
        // voted nor know a leader in this term; a pre-vote for a later term is always a fresh question.
        boolean canVote = vote == request.from()
                || (vote == 0 && lead == 0)
                || (request.preVote() && request.term() > term);
        boolean upToDate = config.broken(BrokenRule.VOTE_WITHOUT_LOG_CHECK)
                || raftLog.isUpToDate(new EntryId(request.lastLogTerm(), request.lastLogIndex()));
        if (canVote && upToDate) {
            logger().info(String.format("node=%d granted %s to=%d term=%d last=%s",
                    id, request.preVote() ? "pre-vote" : "vote", request.from(), request.term(), raftLog.lastEntryId()));
            // A pre-vote answer carries the candidate's future term so the pre-candidate counts it.
            send(new VoteResponse(id, request.from(), request.term(), request.preVote(), false));
            if (!request.preVote()) {
                electionElapsed = 0;
                vote = request.from();
            }
        } else {
            logger().info(String.format("node=%d rejected %s from=%d term=%d candidate-last=%d/%d our-last=%s vote=%d",
                    id, request.preVote() ? "pre-vote" : "vote", request.from(), request.term(), request.lastLogTerm(),
                    request.lastLogIndex(), raftLog.lastEntryId(), vote));
            send(new VoteResponse(id, request.from(), term, request.preVote(), true));
        }
    }

    void tick() {
        role.tick(this);
    }

    void tickElection() {
        electionElapsed++;
        // Only a node that may campaign restarts its timer. A learner (or a voter that has not yet
        // applied its promotion) must let the time since it last heard from a leader keep growing:
        // reset, it would stay in the lease of a dead leader forever and ignore the very election
        // it is needed for (etcd's tickElection checks promotable() the same way).
        if (promotable() && electionElapsed >= randomizedElectionTimeout) {
            electionElapsed = 0;
            hup(false);
        }
    }

    /** Starts an election (or pre-election) if this node may. */
    void hup(boolean transfer) {
        if (isLeader()) {
            return;
        }
        if (!promotable()) {
            return;
        }
        if (hasUnappliedConfChanges()) {
            // etcd-io/etcd#12133: a committed change we have not applied may remove us or change the
            // quorum; campaigning under the old configuration could elect a second leader.
            logger().warn(String.format("node=%d did not campaign term=%d: committed conf changes not yet applied (applied=%d commit=%d)",
                    id, term, raftLog.applied(), raftLog.committed()));
            return;
        }
        campaign(config.preVote() && !transfer, transfer);
    }

    private boolean hasUnappliedConfChanges() {
        long next = raftLog.applied() + 1;
        long end = raftLog.committed() + 1;
        while (next < end) {
            List<Entry> entries = raftLog.slice(next, end, config.messageBytesMax());
            for (Entry entry : entries) {
                if (entry.type() == EntryType.CONF_CHANGE) {
                    return true;
                }
            }
            next += entries.size();
        }
        return false;
    }

    void campaign(boolean preVote, boolean transfer) {
        long voteTerm;
        if (preVote) {
            becomePreCandidate();
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteTerm = term;
        }
        tracker.recordVote(id, true);
        if (tracker.voteResult() == io.raftkv.raft.quorum.VoteResult.WON) {
            // A single voter wins at once.
            if (preVote) {
                campaign(false, transfer);
            } else {
                becomeLeader();
            }
            return;
        }
        EntryId last = raftLog.lastEntryId();
        for (long voter : tracker.config().voters().ids()) {
            if (voter != id) {
                send(new RequestVote(id, voter, voteTerm, last.index(), last.term(), preVote, transfer));
            }
        }
    }

    // ---------------------------------------------------------------- role changes

    void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        role = new FollowerRole();
        lead = leader;
        logger().info(String.format("node=%d became follower term=%d leader=%d", id, term, leader));
    }

    private void becomePreCandidate() {
        Invariants.check(!isLeader(), "node=%d: leader cannot become pre-candidate", id);
        // Term and vote stay: a pre-election changes nothing durable.
        tracker.resetVotes();
        role = new CandidateRole(true);
        lead = 0;
        logger().info(String.format("node=%d became pre-candidate term=%d", id, term));
    }

    private void becomeCandidate() {
        Invariants.check(!isLeader(), "node=%d: leader cannot become candidate", id);
        reset(term + 1);
        vote = id;
        role = new CandidateRole(false);
        logger().info(String.format("node=%d became candidate term=%d", id, term));
    }

    void becomeLeader() {
        Invariants.check(role instanceof CandidateRole c && !c.isPreVote(), "node=%d: only a candidate becomes leader", id);
        reset(term);
        role = new LeaderRole(config.pendingReadsMax());
        lead = id;
        // Only entries already persisted count as our own acknowledgement (thesis §10.2.1).
        tracker.get(id).maybeUpdate(raftLog.lastPersistedIndex());
        tracker.get(id).becomeReplicate();
        // Any entry in our log may be an unapplied conf change; wait for it before allowing another.
        pendingConfIndex = raftLog.lastIndex();
        // An empty entry of our term: committing it commits everything before it (§5.4.2) and
        // unblocks reads (§6.4).
        appendEntries(List.of(new byte[0]), EntryType.NORMAL);
        logger().info(String.format("node=%d became leader term=%d last=%s", id, term, raftLog.lastEntryId()));
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            Invariants.check(newTerm > term, "node=%d: term goes backwards %d -> %d", id, term, newTerm);
            term = newTerm;
            vote = 0;
        }
        lead = 0;
        electionElapsed = 0;
        heartbeatElapsed = 0;
        randomizedElectionTimeout = config.electionTicks() + random.nextInt(config.electionTicks());
        tracker.resetVotes();
        tracker.reset(tracker.config(), progressFor(tracker.config(), new TreeMap<>()));
        pendingConfIndex = 0;
        uncommittedBytes = 0;
        appendsPending = false;
    }

    /** Progress for every member: kept from {@code existing} where present, else fresh from the log end. */
    private TreeMap<Long, Progress> progressFor(TrackerConfig trackerConfig, TreeMap<Long, Progress> existing) {
        TreeMap<Long, Progress> progress = new TreeMap<>();
        for (long member : trackerConfig.allIds()) {
            boolean learner = !trackerConfig.voters().contains(member);
            Progress known = existing.get(member);
            if (known != null) {
                progress.put(member, known.isLearner() == learner ? known : known.withLearner(learner));
            } else {
                Progress fresh = new Progress(raftLog.lastIndex() + 1,
                        new Inflights(config.inflightMessagesMax(), config.inflightBytesMax()), learner);
                // Followers start inactive, as in etcd: a new leader that hears from no quorum within
                // its first election timeout steps down at the first check-quorum round.
                if (member == id) {
                    fresh.maybeUpdate(raftLog.lastPersistedIndex());
                }
                progress.put(member, fresh);
            }
        }
        return progress;
    }

    // ---------------------------------------------------------------- follower side

    void heardFromLeader(long leader) {
        electionElapsed = 0;
        lead = leader;
    }

    void handleAppend(AppendEntries append) {
        if (append.prevLogIndex() < raftLog.committed()) {
            // Everything up to our commit matches the leader's log already (log matching).
            send(AppendResponse.accept(id, append.from(), term, raftLog.committed()));
            return;
        }
        long lastMatch = raftLog.maybeAppend(append.prevLogIndex(), append.prevLogTerm(), append.commit(), append.entries());
        if (lastMatch >= 0) {
            send(AppendResponse.accept(id, append.from(), term, lastMatch));
            return;
        }
        // Our log disagrees at prevLogIndex. Suggest where to probe next: the last index at or below
        // min(prevLogIndex, our last) whose term is at most the leader's prevLogTerm. For example,
        // leader probing 7 with term 5 against our terms [1 1 1 4 4 4 4] (indexes 1..7): our entry 7
        // has term 4 <= 5, so we hint (7, 4) and the leader skips its own term-5 entries after index 7
        // that cannot match; had our terms been higher than 5 we would walk down past them all.
        long hintIndex = Math.min(append.prevLogIndex(), raftLog.lastIndex());
        EntryId hint = raftLog.findConflictByTerm(hintIndex, append.prevLogTerm());
        if (logger().debugEnabled()) logger().debug(String.format("node=%d rejected append from=%d prev=%d/%d hint=%s",
                id, append.from(), append.prevLogTerm(), append.prevLogIndex(), hint));
        send(new AppendResponse(id, append.from(), term, append.prevLogIndex(), true, hint.index(), hint.term()));
    }

    void handleHeartbeat(Heartbeat heartbeat) {
        // The leader sends min(our match, its commit), so this never commits past what we hold.
        raftLog.commitTo(Math.min(heartbeat.commit(), raftLog.lastIndex()));
        send(new HeartbeatResponse(id, heartbeat.from(), term, heartbeat.context()));
    }

    void handleSnapshot(InstallSnapshot install) {
        Snapshot snapshot = install.snapshot();
        if (restore(snapshot)) {
            logger().info(String.format("node=%d restored snapshot from=%d index=%d term=%d",
                    id, install.from(), snapshot.index(), snapshot.term()));
            send(AppendResponse.accept(id, install.from(), term, raftLog.lastIndex()));
        } else {
            send(AppendResponse.accept(id, install.from(), term, raftLog.committed()));
        }
    }

    /** Installs a leader's snapshot unless our log already covers it; returns whether it was installed. */
    private boolean restore(Snapshot snapshot) {
        if (snapshot.index() <= raftLog.committed()) {
            return false;
        }
        if (raftLog.matchTerm(snapshot.index(), snapshot.term())) {
            // Our log holds the snapshot's last entry: the log up to it matches, just commit.
            raftLog.commitTo(snapshot.index());
            return false;
        }
        raftLog.restore(snapshot);
        TrackerConfig restored = TrackerConfig.of(snapshot.metadata().confState());
        tracker.reset(restored, progressFor(restored, new TreeMap<>()));
        return true;
    }

    // ---------------------------------------------------------------- leader side

    LeaderRole leader() {
        return (LeaderRole) role;
    }

    ProposeResult propose(List<byte[]> commands, EntryType type) {
        if (!isLeader()) {
            return lead == 0
                    ? ProposeResult.dropped(DropReason.NO_LEADER, "no leader known at term %d", term)
                    : ProposeResult.dropped(DropReason.NOT_LEADER, "node %d is not the leader; leader is %d", id, lead);
        }
        if (leader().transferee != 0) {
            return ProposeResult.dropped(DropReason.TRANSFERRING, "leadership is being transferred to %d", leader().transferee);
        }
        if (!tracker.isVoter(id)) {
            return ProposeResult.dropped(DropReason.NOT_A_VOTER, "leader %d was removed from the configuration", id);
        }
        long bytes = 0;
        for (byte[] command : commands) {
            if (command.length > config.entryBytesMax()) {
                return ProposeResult.dropped(DropReason.ENTRY_TOO_LARGE, "entry of %d bytes exceeds the limit of %d",
                        command.length, config.entryBytesMax());
            }
            bytes += command.length + Entry.OVERHEAD_BYTES;
        }
        if (uncommittedBytes > 0 && uncommittedBytes + bytes > config.uncommittedBytesMax()) {
            return ProposeResult.dropped(DropReason.UNCOMMITTED_LIMIT, "%d uncommitted bytes plus %d exceed the limit of %d",
                    uncommittedBytes, bytes, config.uncommittedBytesMax());
        }
        long first = appendEntries(commands, type);
        return new ProposeResult.Accepted(first, term);
    }

    ProposeResult proposeConfChange(ConfChange change) {
        if (isLeader()) {
            if (pendingConfIndex > raftLog.applied()) {
                return ProposeResult.dropped(DropReason.CONF_CHANGE_PENDING,
                        "conf change at index %d is not yet applied (applied=%d)", pendingConfIndex, raftLog.applied());
            }
            if (Changer.apply(tracker.config(), change) instanceof Changer.Result.Invalid invalid) {
                return ProposeResult.dropped(DropReason.CONF_CHANGE_INVALID, "%s", invalid.reason());
            }
        }
        ProposeResult result = propose(List.of(ConfChangeCodec.encode(change)), EntryType.CONF_CHANGE);
        if (result instanceof ProposeResult.Accepted accepted) {
            pendingConfIndex = accepted.index();
            logger().info(String.format("node=%d proposed conf change index=%d term=%d change=%s",
                    id, accepted.index(), term, change));
        }
        return result;
    }

    /** Appends entries of the current term to the leader's log; returns the first new index. */
    private long appendEntries(List<byte[]> commands, EntryType type) {
        long index = raftLog.lastIndex();
        long first = index + 1;
        List<Entry> entries = new ArrayList<>(commands.size());
        for (byte[] command : commands) {
            Entry entry = new Entry(++index, term, type, command);
            entries.add(entry);
            uncommittedBytes += entry.sizeBytes();
        }
        raftLog.append(entries);
        appendsPending = true;
        return first;
    }

    /** Sends the appends proposals made since the last Ready, so one message carries them all. */
    void flushAppends() {
        if (appendsPending && isLeader()) {
            broadcastAppend();
        }
        appendsPending = false;
    }

    /**
     * Advances the commit index to what a quorum has persisted, if that is an entry of this term.
     *
     * <p>Followers learn the new commit index from the next append or heartbeat, never from an empty
     * append sent only to carry it (etcd's raft sends one to every follower on each advance; Ratis
     * and SOFAJRaft piggyback it, as here). With 64 puts in flight those empty appends were half
     * the leader's messages, and each cost a follower a turn of its loop, a hard-state write and an
     * answer. Nothing waits on a follower's commit index: a client's write is answered by the
     * leader, and a follower's linearizable read waits for a read index whose heartbeat round
     * carries the commit. A follower idle between writes applies the last one at the next
     * heartbeat (every heartbeatTicks), which bounds how stale its serializable reads can be.
     */
    boolean maybeCommit() {
        long quorumIndex = Math.min(tracker.committedIndex(), raftLog.lastIndex());
        long before = raftLog.committed();
        boolean committed;
        if (config.broken(BrokenRule.COMMIT_EARLIER_TERM_BY_COUNTING)) {
            committed = quorumIndex > before;
            raftLog.commitTo(quorumIndex);
        } else {
            // §5.4.2: only an entry of our own term commits by counting replicas; earlier entries
            // commit with it. Committing an old-term entry by count is the Figure 8 bug.
            committed = raftLog.maybeCommit(quorumIndex, term);
        }
        if (committed && raftLog.termOrZero(before) != term && raftLog.termOrZero(raftLog.committed()) == term) {
            // The first commit of our term: reads that waited for it may start.
            for (ReadIndexQueue.PendingRead read : leader().reads.drainWaitingForCommit()) {
                readIndex(read.requester(), read.context());
            }
        }
        return committed;
    }

    void broadcastAppend() {
        for (long peer : tracker.progress().keySet()) {
            if (peer != id) {
                sendAppend(peer, true);
            }
        }
    }

    void broadcastHeartbeat(long context) {
        for (long peer : tracker.progress().keySet()) {
            if (peer != id) {
                Progress progress = tracker.get(peer);
                long commit = Math.min(progress.match(), raftLog.committed());
                send(new Heartbeat(id, peer, term, commit, context));
            }
        }
    }

    /**
     * Sends the next append to {@code to} if its progress allows; returns whether anything was sent.
     * With {@code sendIfEmpty} an empty append is sent as a probe or to carry the commit index.
     */
    boolean sendAppend(long to, boolean sendIfEmpty) {
        Progress progress = tracker.get(to);
        if (progress == null || progress.isPaused()) {
            return false;
        }
        long prevIndex = progress.next() - 1;
        long prevTerm;
        List<Entry> entries;
        try {
            prevTerm = raftLog.term(prevIndex);
            entries = raftLog.entriesFrom(progress.next(), config.messageBytesMax());
        } catch (StorageException.Compacted compacted) {
            return sendSnapshot(to, progress);
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long bytes = 0;
        for (Entry entry : entries) {
            bytes += entry.sizeBytes();
        }
        send(new AppendEntries(id, to, term, prevIndex, prevTerm, entries, raftLog.committed()));
        progress.sentEntries(prevIndex + entries.size(), bytes, entries.size());
        return true;
    }

    private boolean sendSnapshot(long to, Progress progress) {
        Snapshot snapshot;
        try {
            snapshot = raftLog.snapshot();
        } catch (StorageException.SnapshotTemporarilyUnavailable unavailable) {
            if (logger().debugEnabled()) logger().debug(String.format("node=%d delayed snapshot to=%d: temporarily unavailable", id, to));
            return false;
        }
        Invariants.check(!snapshot.isEmpty(), "node=%d needs a snapshot for %d but storage has none", id, to);
        logger().info(String.format("node=%d sending snapshot to=%d index=%d term=%d (follower %s, first index %d)",
                id, to, snapshot.index(), snapshot.term(), progress, raftLog.firstIndex()));
        progress.becomeSnapshot(snapshot.index());
        send(new InstallSnapshot(id, to, term, snapshot));
        return true;
    }

    void sendTimeoutNow(long to) {
        logger().info(String.format("node=%d sent timeout-now to=%d term=%d", id, to, term));
        send(new TimeoutNow(id, to, term));
    }

    ProposeResult transferLeader(long target) {
        if (!isLeader()) {
            return ProposeResult.dropped(DropReason.NOT_LEADER, "node %d is not the leader; leader is %d", id, lead);
        }
        if (target == id) {
            return new ProposeResult.Pending();
        }
        Progress progress = tracker.get(target);
        if (progress == null) {
            return ProposeResult.dropped(DropReason.UNKNOWN_NODE, "node %d is not a member", target);
        }
        if (progress.isLearner()) {
            return ProposeResult.dropped(DropReason.NOT_A_VOTER, "node %d is a learner", target);
        }
        LeaderRole leader = leader();
        leader.transferee = target;
        leader.transferElapsed = 0;
        logger().info(String.format("node=%d started leader transfer to=%d term=%d target=%s", id, target, term, progress));
        if (progress.match() == raftLog.lastIndex()) {
            sendTimeoutNow(target);
        } else {
            sendAppend(target, true);
        }
        return new ProposeResult.Pending();
    }

    // ---------------------------------------------------------------- reads

    /** A linearizable read for {@code requester} (this node or a follower) with its context. */
    ProposeResult readIndex(long requester, long context) {
        if (!isLeader()) {
            if (lead == 0) {
                return ProposeResult.dropped(DropReason.NO_LEADER, "no leader known at term %d", term);
            }
            send(new ReadIndexRequest(id, lead, term, context));
            return new ProposeResult.Pending();
        }
        ReadIndexQueue reads = leader().reads;
        if (reads.full()) {
            return ProposeResult.dropped(DropReason.READS_LIMIT, "%d reads pending", reads.size());
        }
        if (raftLog.termOrZero(raftLog.committed()) != term) {
            reads.waitForCommit(requester, context);
            return new ProposeResult.Pending();
        }
        if (tracker.isSingleton() || config.broken(BrokenRule.READ_WITHOUT_HEARTBEAT_ROUND)) {
            releaseRead(requester, context, raftLog.committed());
            return new ProposeResult.Pending();
        }
        reads.add(++readRound, requester, context, raftLog.committed());
        broadcastHeartbeat(readRound);
        return new ProposeResult.Pending();
    }

    void releaseRead(long requester, long context, long index) {
        if (requester == id) {
            readStates.add(new ReadState(index, context));
        } else {
            send(new ReadIndexResponse(id, requester, term, context, index));
        }
    }

    // ---------------------------------------------------------------- driver feedback

    /** The driver persisted everything up to this entry (and the snapshot, if any). */
    void persisted(Entry lastPersisted, Snapshot snapshot) {
        if (snapshot != null) {
            raftLog.stableSnapshotTo(snapshot.index());
        }
        if (lastPersisted == null) {
            return;
        }
        raftLog.stableTo(lastPersisted.index(), lastPersisted.term());
        if (isLeader() && raftLog.matchTerm(lastPersisted.index(), lastPersisted.term())) {
            // Our own acknowledgement counts only once durable (thesis §10.2.1).
            if (tracker.get(id) != null && tracker.get(id).maybeUpdate(lastPersisted.index())) {
                maybeCommit(); // followers learn it lazily, see maybeCommit
            }
        }
    }

    /** The driver took these committed entries to apply: conf changes take effect now. */
    void applied(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        for (Entry entry : entries) {
            uncommittedBytes = Math.max(0, uncommittedBytes - entry.sizeBytes());
            if (entry.type() == EntryType.CONF_CHANGE) {
                applyConfChange(entry.index(), ConfChangeCodec.decode(entry.data()));
            }
        }
        raftLog.appliedTo(entries.getLast().index());
        if (isLeader() && tracker.config().autoLeave() && raftLog.applied() >= pendingConfIndex) {
            // Leave the joint configuration as soon as entering it is applied.
            ProposeResult result = proposeConfChange(ConfChange.leaveJoint());
            logger().info(String.format("node=%d proposed leaving the joint configuration: %s", id, result));
        }
    }

    private void applyConfChange(long index, ConfChange change) {
        TrackerConfig newConfig = switch (Changer.apply(tracker.config(), change)) {
            case Changer.Result.Applied applied -> applied.config();
            // Every replica applies the same changes in the same order from the same snapshot, and the
            // leader validated this one; an invalid committed change means replicas diverged.
            case Changer.Result.Invalid invalid -> throw new AssertionError(String.format(
                    "node=%d committed an invalid conf change at index=%d: %s", id, index, invalid.reason()));
        };
        TreeMap<Long, Progress> kept = new TreeMap<>(tracker.progress());
        TreeMap<Long, Progress> progress = progressFor(newConfig, kept);
        for (Map.Entry<Long, Progress> entry : progress.entrySet()) {
            if (!kept.containsKey(entry.getKey())) {
                // A member added while we lead counts as active until the next check-quorum round,
                // so adding it cannot make us step down before it has had a chance to answer.
                entry.getValue().setRecentActive(true);
            }
        }
        tracker.reset(newConfig, progress);
        logger().info(String.format("node=%d applied conf change index=%d change=%s config=%s", id, index, change, newConfig));
        if (!isLeader()) {
            return;
        }
        if (!newConfig.voters().contains(id)) {
            logger().warn(String.format("node=%d stepped down term=%d: removed from the voters", id, term));
            becomeFollower(term, 0);
            return;
        }
        if (leader().transferee != 0 && !newConfig.voters().contains(leader().transferee)) {
            leader().transferee = 0;
        }
        if (maybeCommit()) {
            broadcastAppend();
        } else {
            for (long peer : tracker.progress().keySet()) {
                if (peer != id) {
                    sendAppend(peer, false);
                }
            }
        }
    }

    void reportUnreachable(long peer) {
        if (isLeader() && tracker.get(peer) instanceof Progress progress
                && progress.state() == io.raftkv.raft.tracker.ProgressState.REPLICATE) {
            progress.becomeProbe();
        }
    }

    void reportSnapshot(long peer, boolean success) {
        if (!isLeader() || !(tracker.get(peer) instanceof Progress progress)
                || progress.state() != io.raftkv.raft.tracker.ProgressState.SNAPSHOT) {
            return;
        }
        if (!success) {
            progress.becomeSnapshot(0);
        }
        progress.becomeProbe();
        logger().info(String.format("node=%d snapshot to=%d %s; probing from %d", id, peer, success ? "sent" : "failed",
                progress.next()));
    }

    // ---------------------------------------------------------------- output

    void send(Message message) {
        Invariants.check(message.from() == id, "node=%d sending a message from %d", id, message.from());
        boolean acknowledgesPersistence = message instanceof VoteResponse
                || (message instanceof AppendResponse && !config.broken(BrokenRule.ACK_BEFORE_PERSIST));
        // Vote and append answers promise durable state (thesis §3.8): they leave only after the
        // Ready that persisted it. Everything else may leave at once, in parallel with the fsync.
        (acknowledgesPersistence ? messagesAfterPersist : messagesNow).add(message);
    }

    void ignore(Message message, String why) {
        if (logger().debugEnabled()) logger().debug(String.format("node=%d ignored %s from=%d term=%d: %s",
                id, message.getClass().getSimpleName(), message.from(), message.term(), why));
    }
}
