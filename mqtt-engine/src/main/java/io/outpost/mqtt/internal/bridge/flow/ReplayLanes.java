package io.outpost.mqtt.internal.bridge.flow;

import io.outpost.mqtt.internal.bridge.batch.BatchEncoder;
import io.outpost.mqtt.internal.bridge.budget.ByteBudget;
import io.outpost.mqtt.internal.bridge.store.MessageStore;
import io.outpost.mqtt.internal.bridge.store.StoreCursor;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;

/**
 * The two kinds of records a class may send after the link came up: history (a backlog queued before) and live,
 * and which kind's turn it is. While a class's head is backlog, a {@link LiveLane} finds the live records that may
 * overtake it; while both kinds wait, the backlog gets {@code replay-share} percent of the bytes taken. With 100 %
 * no lane is opened and the backlog goes first. A class the byte budget holds offers nothing.
 *
 * <p>Confined to the upstream's thread; reads the store like any cursor (may block on disk reads).
 */
final class ReplayLanes {

    private final MessageStore store;
    private final StoreCursor[] cursors;
    private final LiveLane[] lanes;
    private final int share;
    private final ByteBudget budget;
    private long liveFromMillis;
    /** Bytes taken for each kind while both had something to send. */
    private long historyBytes;
    private long liveBytes;

    /**
     * @param cursors the classes' cursors in append order (the backlog's, and everything's without a backlog)
     * @param share   percent of the bytes the backlog gets while live data waits, 1..100
     * @param budget  the upstream's byte budget, or null
     */
    ReplayLanes(MessageStore store, StoreCursor[] cursors, int share, ByteBudget budget) {
        this.store = store;
        this.cursors = cursors;
        this.lanes = new LiveLane[cursors.length];
        this.share = share;
        this.budget = budget;
    }

    /** A new live/backlog boundary (a connection, a Sparkplug birth): lanes close and the share starts even. */
    void liveFrom(long millis) {
        liveFromMillis = millis;
        close();
        historyBytes = 0;
        liveBytes = 0;
    }

    /** Records received before this are history. */
    long liveFromMillis() {
        return liveFromMillis;
    }

    /** Whether the backlog's turn has come, when both kinds wait. */
    boolean historyTurn() {
        return historyBytes * (100 - share) <= liveBytes * share;
    }

    /**
     * The next record of class {@code i} of one kind: {@code history}, the head of a backlog being replayed, or
     * live. Opens a class's live lane when its head is backlog, closes it when the backlog is through.
     */
    StoredRecord head(int i, boolean history) {
        if (budget != null && budget.holds(i)) {
            return null;
        }
        StoredRecord h = cursors[i].peek();
        boolean backlog = h != null && h.receivedAtMillis() < liveFromMillis;
        if (h != null && !backlog && lanes[i] != null) {
            lanes[i].close();
            lanes[i] = null;
        } else if (backlog && lanes[i] == null && share < 100) {
            lanes[i] = new LiveLane(store.cursor(i), liveFromMillis);
        }
        if (lanes[i] != null) {
            return history ? h : lanes[i].peek();
        }
        return h != null && backlog == history ? h : null;
    }

    /** The cursor {@link #head} of that class and kind read from. */
    StoreCursor source(int i, boolean history) {
        return !history && lanes[i] != null ? lanes[i] : cursors[i];
    }

    /** Counts a record taken while both kinds waited. */
    void account(StoredRecord r, boolean history) {
        long bytes = BatchEncoder.estimate(r) + r.topic().length();
        if (history) {
            historyBytes += bytes;
        } else {
            liveBytes += bytes;
        }
    }

    /** A new round of the sender: each lane may read another share of its backlog. */
    void newRound() {
        for (LiveLane lane : lanes) {
            if (lane != null) {
                lane.newRound();
            }
        }
    }

    /** A lane stopped in the middle of its backlog: another round may find live records. */
    boolean scanning() {
        for (LiveLane lane : lanes) {
            if (lane != null && lane.scanning()) {
                return true;
            }
        }
        return false;
    }

    void close() {
        for (int i = 0; i < lanes.length; i++) {
            if (lanes[i] != null) {
                lanes[i].close();
                lanes[i] = null;
            }
        }
    }
}
