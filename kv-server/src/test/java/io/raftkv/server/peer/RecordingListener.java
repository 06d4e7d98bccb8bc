package io.raftkv.server.peer;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/** Records what the transport reports, from whatever thread reports it. */
final class RecordingListener implements PeerListener {
    record Event(String kind, long peer, boolean ok) {}

    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();

    @Override
    public void unreachable(long peer) {
        events.add(new Event("unreachable", peer, false));
    }

    @Override
    public void snapshotDone(long peer, boolean ok) {
        events.add(new Event("snapshot", peer, ok));
    }

    long unreachableCount(long peer) {
        return events.stream().filter(e -> e.kind().equals("unreachable") && e.peer() == peer).count();
    }

    List<Boolean> snapshots(long peer) {
        return events.stream().filter(e -> e.kind().equals("snapshot") && e.peer() == peer).map(Event::ok).toList();
    }
}
