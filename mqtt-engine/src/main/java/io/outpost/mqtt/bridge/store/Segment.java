package io.outpost.mqtt.bridge.store;

import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One file of a class's queue: records appended in order, never rewritten. What it still holds is tracked here;
 * the file is deleted once nothing in it is queued or in flight.
 *
 * <p>Counters and the removed ranges are guarded by the store's lock. {@link #durableEnd} is written by the store's
 * writer thread and read without the lock by cursors: bytes below it are complete, checked records.
 */
final class Segment {

    final long id;
    final int classIndex;
    final Path path;

    /** The writer's channel while the segment is the class's active one; null once sealed or for readers. */
    FileChannel channel;
    /** Bytes written (by the writer; may be ahead of {@link #durableEnd}). */
    long size;
    /** Bytes the writer holds for this segment and has not written yet (writer thread only). */
    long bufferedBytes;
    volatile long durableEnd;

    int records;
    long recordBytes;
    int removedRecords;
    long removedBytes;
    final RangeSet removed = new RangeSet();
    /** Records handed out for sending and not yet removed: a segment with any is never evicted. */
    int taken;
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

    int liveRecords() {
        return records - removedRecords;
    }

    long liveBytes() {
        return recordBytes - removedBytes;
    }

    /** Counts a record appended or found at recovery. */
    void counted(int length, long receivedAt, long expiresAt) {
        records++;
        recordBytes += length;
        newestReceivedAt = Math.max(newestReceivedAt, receivedAt);
        latestExpiry = Math.max(latestExpiry, expiresAt);
    }

    /** Marks a record removed; false when it already was. */
    boolean markRemoved(int offset, int length) {
        if (!removed.add(offset, offset + length)) {
            return false;
        }
        removedRecords++;
        removedBytes += length;
        return true;
    }


    @Override
    public String toString() {
        return path.toString();
    }
}
