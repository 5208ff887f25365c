package io.outpost.mqtt.internal.broker.session;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.broker.limits.SessionQuotas;
import io.outpost.mqtt.internal.broker.persist.SessionState.MessageState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A session's outgoing messages: those waiting to be sent (bounded in bytes) and those sent with QoS 1/2 and not
 * yet acknowledged (in send order, for the DUP re-send on reconnect). Owned by the session's thread.
 *
 * <p>Overflow policy for slow subscribers: a QoS 0 message that does not fit is dropped; a QoS 1/2 message that
 * does not fit first evicts queued QoS 0 messages, oldest first; if it still does not fit the caller is told
 * ({@link Offer#OVERFLOW}) so that it can disconnect the client, and the message is dropped. Every queued byte is also
 * taken from the broker-wide budget ({@code limits.max-total-queued-bytes}); a message that does not fit there is
 * dropped ({@link Offer#TOTAL_FULL}) whatever its QoS, after the session's own QoS 0 messages were evicted for it.
 */
final class SessionOutbox {

    /** Bytes a queued message is counted for beyond its topic and payload (object overhead, properties). */
    static final int OVERHEAD = 64;

    enum Offer {
        QUEUED,
        /** A QoS 0 message did not fit. */
        DROPPED,
        /** A QoS 1/2 message did not fit even after evicting QoS 0 messages. */
        OVERFLOW,
        /** The broker-wide budget of queued bytes is used up. */
        TOTAL_FULL
    }

    /** A message for the client; mutable only in its in-flight state. */
    static final class Entry {
        final Message message;
        final int qos;
        final boolean retain;
        final int[] subscriptionIds;
        final int size;
        /** When it was queued (System.nanoTime), for the age of the oldest waiting message. */
        long queuedAtNanos;
        int packetId;
        boolean released;

        Entry(Message message, int qos, boolean retain, int[] subscriptionIds) {
            this.message = message;
            this.qos = qos;
            this.retain = retain;
            this.subscriptionIds = subscriptionIds;
            this.size = message.payload().length + message.topic().length() + OVERHEAD;
        }
    }

    private final long maxQueuedBytes;
    private final SessionQuotas quotas;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private final Map<Integer, Entry> inflight = new LinkedHashMap<>();
    private long queuedBytes;
    private int nextPacketId = 1;
    private int droppedQos0;

    SessionOutbox(long maxQueuedBytes, SessionQuotas quotas) {
        this.maxQueuedBytes = maxQueuedBytes;
        this.quotas = quotas;
    }

    Offer offer(Entry e) {
        if (queuedBytes + e.size > maxQueuedBytes) {
            if (e.qos == 0) {
                return Offer.DROPPED;
            }
            evictQos0(queuedBytes + e.size - maxQueuedBytes);
            if (queuedBytes + e.size > maxQueuedBytes) {
                return Offer.OVERFLOW;
            }
        }
        if (!quotas.reserveQueued(e.size)) {
            if (e.qos > 0) {
                evictQos0(e.size);
            }
            if (e.qos == 0 || !quotas.reserveQueued(e.size)) {
                return Offer.TOTAL_FULL;
            }
        }
        e.queuedAtNanos = System.nanoTime();
        queue.addLast(e);
        queuedBytes += e.size;
        return Offer.QUEUED;
    }

    /**
     * Drops every queued and in-flight message {@code keep} refuses (messages the client may no longer read).
     *
     * @return how many were dropped
     */
    int purge(Predicate<Message> keep) {
        int dropped = 0;
        Iterator<Entry> it = queue.iterator();
        while (it.hasNext()) {
            Entry q = it.next();
            if (!keep.test(q.message)) {
                it.remove();
                queuedBytes -= q.size;
                quotas.releaseQueued(q.size);
                dropped++;
            }
        }
        Iterator<Entry> flying = inflight.values().iterator();
        while (flying.hasNext()) {
            if (!keep.test(flying.next().message)) {
                flying.remove();
                dropped++;
            }
        }
        return dropped;
    }

    /** Queues a message beyond the bound (the caller knows the excess is bounded). */
    void force(Entry e) {
        e.queuedAtNanos = System.nanoTime();
        quotas.forceQueued(e.size);
        queue.addLast(e);
        queuedBytes += e.size;
    }

    private void evictQos0(long needed) {
        long freed = 0;
        Iterator<Entry> it = queue.iterator();
        while (it.hasNext() && freed < needed) {
            Entry q = it.next();
            if (q.qos == 0) {
                it.remove();
                freed += q.size;
                queuedBytes -= q.size;
                quotas.releaseQueued(q.size);
                droppedQos0++;
            }
        }
    }

    /** QoS 0 messages evicted since the last call (for the drop counter). */
    int takeEvicted() {
        int n = droppedQos0;
        droppedQos0 = 0;
        return n;
    }

    Entry peek() {
        return queue.peekFirst();
    }

    Entry poll() {
        Entry e = queue.pollFirst();
        if (e != null) {
            queuedBytes -= e.size;
            quotas.releaseQueued(e.size);
        }
        return e;
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    int inflightCount() {
        return inflight.size();
    }

    /** Marks a polled QoS 1/2 entry as sent under a fresh packet id and returns the id. */
    int startFlight(Entry e) {
        int id = nextPacketId;
        while (inflight.containsKey(id)) {
            id = id == 65_535 ? 1 : id + 1;
        }
        nextPacketId = id == 65_535 ? 1 : id + 1;
        e.packetId = id;
        inflight.put(id, e);
        return id;
    }

    /** PUBACK: true when it ended a QoS 1 flight. */
    boolean acknowledged(int packetId) {
        Entry e = inflight.get(packetId);
        if (e != null && e.qos == 1) {
            inflight.remove(packetId);
            return true;
        }
        return false;
    }

    /** The in-flight entry with this id, or null. */
    Entry inflight(int packetId) {
        return inflight.get(packetId);
    }

    Entry endFlight(int packetId) {
        return inflight.remove(packetId);
    }

    /** In-flight entries in the order they were first sent. */
    List<Entry> inflightInOrder() {
        return new ArrayList<>(inflight.values());
    }

    void clear() {
        queue.clear();
        inflight.clear();
        quotas.releaseQueued(queuedBytes);
        queuedBytes = 0;
    }

    long queuedBytes() {
        return queuedBytes;
    }

    /** How long the oldest message waiting to be sent has waited, or 0 when none waits. */
    long oldestWaitNanos(long nowNanos) {
        Entry e = queue.peekFirst();
        return e == null ? 0 : nowNanos - e.queuedAtNanos;
    }

    /** Messages waiting to be sent (not those in flight). */
    int queuedMessages() {
        return queue.size();
    }

    /** Saves QoS 1/2 messages; QoS 0 messages are not kept across a restart. */
    void save(List<MessageState> inflightOut, List<MessageState> queuedOut) {
        for (Entry e : inflight.values()) {
            inflightOut.add(new MessageState(e.message, e.qos, e.retain, e.subscriptionIds, e.packetId, e.released));
        }
        for (Entry e : queue) {
            if (e.qos > 0) {
                queuedOut.add(new MessageState(e.message, e.qos, e.retain, e.subscriptionIds, 0, false));
            }
        }
    }

    void restore(List<MessageState> savedInflight, List<MessageState> savedQueued) {
        for (MessageState s : savedInflight) {
            Entry e = new Entry(s.message(), s.qos(), s.retain(), s.subscriptionIds());
            e.packetId = s.packetId();
            e.released = s.released();
            inflight.put(s.packetId(), e);
        }
        for (MessageState s : savedQueued) {
            Entry e = new Entry(s.message(), s.qos(), s.retain(), s.subscriptionIds());
            queue.addLast(e);
            queuedBytes += e.size;
            // Kept whatever the budget: it was accepted before the restart.
            quotas.forceQueued(e.size);
        }
    }
}
