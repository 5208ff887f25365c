package io.outpost.mqtt.internal.bridge.store;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Walks the records of a segment file between two offsets, checking each checksum. A damaged stretch is skipped up
 * to the next record with a good checksum (and counted); when none follows, the stretch is a torn tail and
 * {@link #goodEnd()} is where the last good record ended. Used by recovery and by cursors, so both see the same
 * records at the same offsets. Not thread-safe; reads with positional IO and never moves the channel.
 */
final class RecordScanner {

    private static final int DEFAULT_BUFFER = 256 * 1024;

    private StoreFile channel;
    private long end;
    private ByteBuffer buf = ByteBuffer.allocate(DEFAULT_BUFFER).flip();
    /** File offset of {@code buf}'s position 0. */
    private long bufStart;
    private long recordOffset = -1;
    private int recordLength;
    private long goodEnd;
    private long skipped;

    RecordScanner(StoreFile channel, long start, long end) {
        reset(channel, start, end);
    }

    /** Scans another region (or file) with the same buffer, so a cursor does not allocate one per read. */
    void reset(StoreFile channel, long start, long end) {
        this.channel = channel;
        this.end = end;
        this.bufStart = start;
        this.goodEnd = start;
        this.recordOffset = -1;
        this.skipped = 0;
        buf.clear().flip();
    }

    /** Moves to the next good record; false at the end. */
    boolean next() throws IOException {
        if (recordOffset >= 0) {
            buf.position(buf.position() + recordLength);
        }
        long damagedFrom = -1;
        while (true) {
            if (!fill(RecordFrame.HEADER_BYTES)) {
                return false;
            }
            int announced = RecordFrame.announcedLength(buf);
            if (announced > 0 && position() + announced <= end && !fill(announced)) {
                return false;
            }
            int length = announced > 0 && announced <= buf.remaining() ? RecordFrame.validLength(buf) : -1;
            if (length > 0) {
                if (damagedFrom >= 0) {
                    skipped += position() - damagedFrom;
                }
                recordOffset = position();
                recordLength = length;
                goodEnd = recordOffset + length;
                return true;
            }
            if (damagedFrom < 0) {
                damagedFrom = position();
            }
            buf.position(buf.position() + 1);
        }
    }

    /** File offset of the current record. */
    long offset() {
        return recordOffset;
    }

    /** Length of the current record, header included. */
    int length() {
        return recordLength;
    }

    /** The buffer positioned at the current record (for {@link RecordCodec#decode}). */
    ByteBuffer buffer() {
        return buf;
    }

    /** Where the last good record ended: what follows it up to the end is torn or damaged. */
    long goodEnd() {
        return goodEnd;
    }

    /** Damaged bytes skipped between good records. */
    long skippedBytes() {
        return skipped;
    }

    private long position() {
        return bufStart + buf.position();
    }

    /** Ensures {@code bytes} are buffered at the position unless the end comes first; false when it does. */
    private boolean fill(int bytes) throws IOException {
        if (buf.remaining() >= bytes) {
            return true;
        }
        long pos = position();
        if (pos + bytes > end) {
            return false;
        }
        if (buf.capacity() < bytes) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(bytes, buf.capacity() * 2));
            bigger.put(buf).flip();
            buf = bigger;
        } else {
            buf.compact().flip();
        }
        bufStart = pos;
        int want = (int) Math.min(buf.capacity() - buf.limit(), end - (bufStart + buf.limit()));
        ByteBuffer target = buf.duplicate();
        target.position(buf.limit()).limit(buf.limit() + want);
        while (target.hasRemaining()) {
            int n = channel.read(target, bufStart + target.position());
            if (n < 0) {
                break;
            }
        }
        buf.limit(target.position());
        return buf.remaining() >= bytes;
    }
}
