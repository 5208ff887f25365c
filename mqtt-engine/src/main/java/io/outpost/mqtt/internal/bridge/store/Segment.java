package io.outpost.mqtt.internal.bridge.store;

import java.nio.file.Path;

/**
 * One file of a class's queue: records appended in order, never rewritten. What it still holds is tracked here, per
 * message (a record of readings holds many); the file is deleted once nothing in it is queued or in flight.
 *
 * <p>Counters and the removed ranges are guarded by the store's lock. {@link #durableEnd} is written by the store's
 * writer thread and read without the lock by cursors: bytes below it are complete, checked records.
 */
final class Segment {

    final long id;
    final int classIndex;
    final Path path;

    /** The writer's channel while the segment is the class's active one; null once sealed or for readers. */
    StoreFile channel;
    /** Bytes written (by the writer; may be ahead of {@link #durableEnd}). */
    long size;
    /** Bytes the writer holds for this segment and has not written yet (writer thread only). */
    long bufferedBytes;
    volatile long durableEnd;

    /** Messages appended (items of records) and their bytes. */
    int items;
    long itemBytes;
    int removedItems;
    long removedBytes;
    /** Addresses of the messages no longer queued (see {@link RecordRef#address()}). */
    final RangeSet removed = new RangeSet();
    /** Messages handed out for sending and not yet removed, by address: a segment with any is never evicted. */
    final AddressSet inFlight = new AddressSet();
    long newestReceivedAt;
    /** Latest MQTT 5 expiry deadline of its records; {@link Long#MAX_VALUE} if any never expires. */
    long latestExpiry;
    boolean sealed;
    boolean deleted;

    Segment(long id, int classIndex, Path path) {
        this.id = id;
        this.classIndex = classIndex;
        this.path = path;
    }

    int liveItems() {
        return items - removedItems;
    }

    long liveBytes() {
        return itemBytes - removedBytes;
    }

    /** Counts a record of {@code n} messages appended or found at recovery. */
    void counted(int length, int n, long receivedAt, long expiresAt) {
        items += n;
        itemBytes += length;
        newestReceivedAt = Math.max(newestReceivedAt, receivedAt);
        latestExpiry = Math.max(latestExpiry, expiresAt);
    }

    /**
     * Marks a message removed, adding the ranges that say so to {@code journal}; false when it already was. A record's last message also covers the rest of the record's bytes, so the
     * removed ranges of records acknowledged in order merge into one.
     */
    boolean markRemoved(RecordRef ref, PendingRemovals journal) {
        int address = ref.address();
        if (removed.contains(address)) {
            return false;
        }
        if (ref.items() == 1) {
            add(ref.offset(), ref.offset() + ref.length(), journal);
        } else {
            add(address, address + 1, journal);
            int end = ref.offset() + ref.items();
            if (removed.covers(ref.offset(), end)) {
                add(end, ref.offset() + ref.length(), journal);
            }
        }
        removedItems++;
        removedBytes += ref.itemBytes();
        return true;
    }

    /** True when the message at {@code address} is no longer queued. */
    boolean isRemoved(int address) {
        return removed.contains(address);
    }

    /** Counts the removed messages of a record found at recovery (its removals were read from the journal). */
    void countRemovedAtRecovery(int offset, int length, int n) {
        for (int i = 0; i < n; i++) {
            if (removed.contains(offset + i)) {
                removedItems++;
                removedBytes += new RecordRef(classIndex, id, offset, length, i, n).itemBytes();
            }
        }
    }

    private void add(int from, int to, PendingRemovals journal) {
        removed.add(from, to);
        journal.add(id, from, to);
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
