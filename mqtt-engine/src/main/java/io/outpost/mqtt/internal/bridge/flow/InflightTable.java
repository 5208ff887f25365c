package io.outpost.mqtt.internal.bridge.flow;

import io.outpost.core.message.Message;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;

/**
 * The messages taken from the store and not yet done with: QoS 1/2 ones until acknowledged, QoS 0 ones until
 * written to the socket. Kept in the order they were first sent, which is the order they go out again after a
 * reconnect. Also hands out packet ids (for SUBSCRIBE too). Confined to the upstream's thread.
 */
public final class InflightTable {

    /** Where a message's handshake is. */
    public enum Phase {
        /** PUBLISH to send or sent; waiting for PUBACK (QoS 1) or PUBREC (QoS 2). */
        PUBLISHED,
        /** QoS 2: PUBREC came; only PUBREL is ever sent again, until PUBCOMP. */
        RELEASED
    }

    /**
     * One PUBLISH: one queued record sent as published, or several packed into a batch. {@code qos} and
     * {@code retain} are as sent (after the server's limits).
     */
    public static final class Entry {
        /** The queued records it carries, in queue order; all leave the store on its acknowledgement. */
        public final List<StoredRecord> records;
        /** What goes on the wire (topic and payload; for a batch, the packed payload). */
        public Message message;
        /** The stable id ({@code oid}) of a message sent as published, computed once; null for a batch. */
        public final String messageId;
        /** The packet id; for QoS 0 a negative key of no meaning on the wire. */
        public final int packetId;
        public final int qos;
        public final boolean retain;
        public Phase phase = Phase.PUBLISHED;
        /** QoS 2: the store holds this phase, so its packet may go out. */
        public boolean marked;
        /** A PUBLISH of it went out on some connection: sending it again sets DUP. */
        public boolean sentBefore;
        /** It carries records queued before the link came up (a batch says so; Sparkplug: is_historical). */
        public boolean history;
        /** The connection its last PUBLISH went out on (its send quota counts it until acknowledged). */
        public long connection = -1;

        public Entry(List<StoredRecord> records, Message message, String messageId, int packetId, int qos,
                     boolean retain) {
            this.records = List.copyOf(records);
            this.message = message;
            this.messageId = messageId;
            this.packetId = packetId;
            this.qos = qos;
            this.retain = retain;
        }

        /** The one record a message sent as published carries (the first of a batch). */
        public StoredRecord record() {
            return records.get(0);
        }

        /** Point updates it carries. */
        public int pointUpdates() {
            int n = 0;
            for (StoredRecord r : records) {
                n += r.pointUpdates();
            }
            return n;
        }

        /** True when it carries packed records (a batch or a Sparkplug payload). */
        public boolean packed() {
            return record().packing() != null;
        }
    }

    private final LinkedHashMap<Integer, Entry> entries = new LinkedHashMap<>();
    private final Set<Integer> reserved = new HashSet<>();
    private int next = 1;
    private int nextQos0 = -1;
    private int acknowledged;

    /** A new entry: a fresh packet id for QoS 1/2, a local key for QoS 0. */
    public Entry add(StoredRecord record, String messageId, int qos, boolean retain) {
        return add(List.of(record), record.wire(), messageId, qos, retain);
    }

    /** A new entry for records sent as one {@code wire} message. */
    public Entry add(List<StoredRecord> records, Message wire, String messageId, int qos, boolean retain) {
        Entry e = new Entry(records, wire, messageId, qos == 0 ? nextQos0() : allocate(), qos, retain);
        put(e);
        return e;
    }

    /** An entry with a packet id known from before (a handshake recovered from the store). */
    public void put(Entry e) {
        if (entries.putIfAbsent(e.packetId, e) != null) {
            throw new IllegalStateException("packet id " + e.packetId + " is already in flight");
        }
        if (e.qos > 0) {
            acknowledged++;
        }
    }

    private int allocate() {
        if (acknowledged + reserved.size() >= 65_535) {
            throw new IllegalStateException("all 65535 packet ids are in use");
        }
        while (entries.containsKey(next) || reserved.contains(next)) {
            next = next == 65_535 ? 1 : next + 1;
        }
        int id = next;
        next = next == 65_535 ? 1 : next + 1;
        return id;
    }

    private int nextQos0() {
        nextQos0 = nextQos0 == Integer.MIN_VALUE ? -1 : nextQos0 - 1;
        return nextQos0;
    }

    /** Holds an id for a packet that is not a PUBLISH (SUBSCRIBE) until {@link #release}. */
    public int reserve() {
        int id = allocate();
        reserved.add(id);
        return id;
    }

    public void release(int packetId) {
        reserved.remove(packetId);
    }

    public Entry get(int packetId) {
        return entries.get(packetId);
    }

    public Entry remove(int packetId) {
        Entry e = entries.remove(packetId);
        if (e != null && e.qos > 0) {
            acknowledged--;
        }
        return e;
    }

    /** QoS 1/2 messages waiting for acknowledgement (what Receive Maximum bounds). */
    public int unacknowledged() {
        return acknowledged;
    }

    public int size() {
        return entries.size();
    }

    /** True when {@code e} is still in flight (not acknowledged or written meanwhile). */
    public boolean contains(Entry e) {
        return entries.get(e.packetId) == e;
    }

    /** Entries in send order (a copy). */
    public List<Entry> inOrder() {
        return new ArrayList<>(entries.values());
    }

    /** The receive time of the oldest message here, or {@link Long#MAX_VALUE}. */
    public long oldestReceivedAt() {
        long oldest = Long.MAX_VALUE;
        for (Entry e : entries.values()) {
            oldest = Math.min(oldest, e.record().receivedAtMillis());
        }
        return oldest;
    }
}
