package io.outpost.mqtt.internal.bridge.flow;

import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.batch.BatchEncoder;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Packs queued records of batching rules into batches as the sender takes them: records of one batch key (remote
 * topic, packing, QoS, live or replayed) join one open batch, in queue order. A batch is ready when it reaches its
 * size bound, or when nothing more can be read and its first record's {@code max-delay} is over: a live reading
 * waits at most that long for companions, a replayed backlog packs full batches at once. Ready batches leave in the
 * order they became ready, so batches of one topic keep their order. Confined to the upstream's thread.
 *
 * <p>The records held are messages (typed readings: about 150 bytes each on the heap). With one
 * batch per device, a backlog read at full speed would fill every device's batch to {@code max-bytes} before any
 * is full: 1,000 devices x 16 KB of readings is over a million records in memory. So the sender reads no more than
 * {@link #MAX_HELD} records ahead: beyond it, the oldest open batch goes as it is ({@link #closeOldest()}).
 */
final class BatchAssembler {

    /** Records taken into batches and not yet sent, at most (about 16 MB of heap). */
    static final int MAX_HELD = 16_384;

    /** Records sent as one message. */
    record Key(String topic, Packing packing, int qos, boolean history) {
    }

    /** A batch filling or ready. */
    static final class Batch {
        final Key key;
        final List<StoredRecord> records = new ArrayList<>();
        final long deadlineMillis;
        int estimate;

        Batch(Key key, long deadlineMillis) {
            this.key = key;
            this.deadlineMillis = deadlineMillis;
        }

        /** True when {@code r} belongs to this batch (its key, without making one). */
        boolean holds(StoredRecord r, int qos, boolean history) {
            return key.qos == qos && key.history == history && key.packing.equals(r.packing())
                    && key.topic.equals(r.topic());
        }
    }

    private final Map<Key, Batch> open = new LinkedHashMap<>();
    private final ArrayDeque<Batch> ready = new ArrayDeque<>();
    /** The batch the last record went to, while it is open. */
    private Batch last;
    private int held;

    /**
     * Adds a taken record to its batch.
     *
     * @param limit the batch's size bound: its packing's max-bytes, lowered to what the server accepts
     */
    void add(StoredRecord r, int qos, boolean history, int limit) {
        Batch b = last;
        if (b == null || !b.holds(r, qos, history) || open.get(b.key) != b) {
            // Not the batch the previous record went to (records of a poll come one after the other).
            Key key = new Key(r.topic(), r.packing(), qos, history);
            if (!history) {
                // A live record of a topic whose backlog batch is still filling: the backlog goes first (topic order).
                Batch backlog = open.remove(new Key(r.topic(), r.packing(), qos, true));
                if (backlog != null) {
                    ready.add(backlog);
                }
            }
            b = open.get(key);
        }
        int size = BatchEncoder.estimate(r);
        if (b != null && b.estimate + size > limit && !b.records.isEmpty()) {
            open.remove(b.key);
            ready.add(b);
            b = null;
        }
        if (b == null) {
            b = new Batch(new Key(r.topic(), r.packing(), qos, history), r.receivedAtMillis() + r.packing().maxDelayMillis());
            open.put(b.key, b);
        }
        b.records.add(r);
        b.estimate += size;
        held++;
        last = b;
        if (b.estimate >= limit) {
            open.remove(b.key);
            ready.add(b);
            last = null;
        }
    }

    /** Makes every open batch whose delay is over ready (nothing more can be read for now). */
    void closeDue(long nowMillis) {
        Iterator<Batch> it = open.values().iterator();
        while (it.hasNext()) {
            Batch b = it.next();
            if (b.deadlineMillis <= nowMillis) {
                it.remove();
                ready.add(b);
            }
        }
    }

    /** True when as many records as may be held are: send before taking more. */
    boolean full() {
        return held >= MAX_HELD;
    }

    /** Makes the oldest open batch ready before its time; false when none is open. */
    boolean closeOldest() {
        Iterator<Batch> it = open.values().iterator();
        if (!it.hasNext()) {
            return false;
        }
        ready.add(it.next());
        it.remove();
        return true;
    }

    /** When the earliest open batch is due, or {@link Long#MAX_VALUE}. */
    long nextDeadline() {
        long next = Long.MAX_VALUE;
        for (Batch b : open.values()) {
            next = Math.min(next, b.deadlineMillis);
        }
        return next;
    }

    Batch peekReady() {
        return ready.peekFirst();
    }

    Batch pollReady() {
        Batch b = ready.pollFirst();
        if (b != null) {
            held -= b.records.size();
        }
        return b;
    }

    /** Puts batches back at the head of the ready queue, in the given order (a batch split in two). */
    void pushFront(List<Batch> batches) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            ready.addFirst(batches.get(i));
            held += batches.get(i).records.size();
        }
    }

    boolean hasReady() {
        return !ready.isEmpty();
    }

    /** Records taken into batches not yet sent. */
    int held() {
        return held;
    }

    /** The receive time of the oldest record held, or {@link Long#MAX_VALUE}. */
    long oldestReceivedAt() {
        long oldest = Long.MAX_VALUE;
        for (Batch b : ready) {
            oldest = Math.min(oldest, b.records.get(0).receivedAtMillis());
        }
        for (Batch b : open.values()) {
            oldest = Math.min(oldest, b.records.get(0).receivedAtMillis());
        }
        return oldest;
    }
}
