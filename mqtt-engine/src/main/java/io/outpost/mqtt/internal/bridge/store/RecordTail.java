package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.Message;

/**
 * The records of one class most recently made durable, kept in memory as the writer had them (messages and routes,
 * not bytes), so that a cursor that has caught up with the writer takes live records from here instead of reading
 * them back from disk and decoding them. Bounded: when the sender falls behind (the link is down) the oldest entries
 * are dropped and the cursor reads those records from disk like any backlog, which it can always do since they are
 * there. Entries are found by position (segment id, offset), so several cursors of a class share the tail.
 *
 * <p>Threads: {@link #add} on the writer thread, after the flush and before the appends are acknowledged;
 * {@link #find} from cursors on the upstream's thread. Guarded by its own lock, held per record, not per message.
 */
final class RecordTail {

    /** One durable record as appended. Items {@code from..to} of the append's arrays; seq of item i: firstSeq + i. */
    record Entry(int classIndex, long segmentId, int offset, int length, long epoch, long firstSeq,
                 Message[] messages, Route[] routes, int from, int to) {

        int items() {
            return to - from;
        }
    }

    private final Entry[] ring;
    private final int maxItems;
    /** Index (ever increasing) of the oldest entry kept and of the next one written. */
    private long head;
    private long next;
    private int items;
    private long dropped;

    /**
     * @param maxRecords entries kept at most
     * @param maxItems   messages kept at most (a record of readings holds many)
     */
    RecordTail(int maxRecords, int maxItems) {
        this.ring = new Entry[maxRecords];
        this.maxItems = maxItems;
    }

    synchronized void add(Entry e) {
        while (next - head == ring.length || items + e.items() > maxItems && next > head) {
            dropOldest();
        }
        ring[(int) (next % ring.length)] = e;
        next++;
        items += e.items();
    }

    private void dropOldest() {
        int slot = (int) (head % ring.length);
        items -= ring[slot].items();
        ring[slot] = null;
        head++;
        dropped++;
    }

    /**
     * The entry of the record at {@code (segmentId, offset)}, or null when the tail does not hold it (older, already
     * dropped, or not yet durable). Entries older than that position are of no use to this cursor any more, but may
     * be to another one, so they stay until the bound drops them.
     *
     * @param hint where the caller found its last entry (an index it got from {@link #indexOf}), to search from
     */
    synchronized Entry find(long segmentId, int offset, long[] hint) {
        long i = Math.max(head, hint[0]);
        for (; i < next; i++) {
            Entry e = ring[(int) (i % ring.length)];
            if (e.segmentId > segmentId || e.segmentId == segmentId && e.offset > offset) {
                break;
            }
            if (e.segmentId == segmentId && e.offset == offset) {
                hint[0] = i + 1;
                return e;
            }
        }
        hint[0] = Math.max(head, i);
        return null;
    }

    /** Records dropped before every cursor took them (read back from disk instead). */
    synchronized long dropped() {
        return dropped;
    }

    synchronized int size() {
        return (int) (next - head);
    }
}
