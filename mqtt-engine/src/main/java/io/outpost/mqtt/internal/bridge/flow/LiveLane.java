package io.outpost.mqtt.internal.bridge.flow;

import io.outpost.mqtt.internal.bridge.store.StoreCursor;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.HashSet;
import java.util.Set;

/**
 * While a class replays a backlog, a second cursor over the class that finds the live records allowed to overtake
 * it: those received after the link came up on a remote topic that has nothing in the backlog. It reads the backlog
 * once (without taking anything) to learn which topics have history; live records of those topics are left for the
 * backlog's cursor, which reaches them in order, so per-topic order holds. Records it takes are skipped by the
 * backlog's cursor. Confined to the upstream's thread; may block on disk reads like any cursor, but reads the
 * backlog's records of readings only as far as their topics and times (no values decoded).
 */
final class LiveLane implements StoreCursor {

    /** Backlog records read per round of the sender, so that a long backlog is read across several rounds. */
    private static final int SCAN_PER_ROUND = 4096;

    private final StoreCursor cursor;
    private final long liveFromMillis;
    private final Set<String> backlogTopics = new HashSet<>();
    private boolean scanning;
    private int scanLeft = SCAN_PER_ROUND;

    LiveLane(StoreCursor cursor, long liveFromMillis) {
        this.cursor = cursor;
        this.liveFromMillis = liveFromMillis;
    }

    /**
     * The next live record that may go before the backlog, or null when there is none now, or when this round's
     * share of the backlog was read and none found yet ({@link #scanning()} tells). The backlog is read for its
     * topics only: records of readings are not decoded on the way.
     */
    @Override
    public StoredRecord peek() {
        scanning = false;
        while (true) {
            scanLeft -= cursor.skipBacklog(liveFromMillis, backlogTopics, scanLeft);
            // A record of readings is skipped whole, so a round may end past its share.
            if (scanLeft <= 0) {
                scanning = true;
                return null;
            }
            StoredRecord r = cursor.peek();
            if (r == null) {
                return null;
            }
            if (r.receivedAtMillis() >= liveFromMillis && !backlogTopics.contains(r.topic())) {
                return r;
            }
            scanLeft--;
            if (r.receivedAtMillis() < liveFromMillis) {
                backlogTopics.add(r.topic());
            }
            cursor.advance();
        }
    }

    @Override
    public int skipBacklog(long beforeMillis, Set<String> topics, int max) {
        return cursor.skipBacklog(beforeMillis, topics, max);
    }

    /** A new round of the sender: another share of the backlog may be read. */
    void newRound() {
        scanLeft = SCAN_PER_ROUND;
    }

    /** The last {@link #peek()} stopped in the middle of the backlog: there may be more to find. */
    boolean scanning() {
        return scanning;
    }

    @Override
    public void advance() {
        cursor.advance();
    }

    @Override
    public void close() {
        cursor.close();
    }
}
