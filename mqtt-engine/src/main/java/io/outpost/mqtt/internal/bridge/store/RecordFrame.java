package io.outpost.mqtt.internal.bridge.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The frame around every record of a segment file and every entry of the route table: a 10-byte header (magic,
 * body length, CRC32C of the length and the body) and a body whose first byte is its format version. The CRC lets
 * recovery find the last good record after a torn write and skip a damaged one. Stateless.
 *
 * <pre>header: u16 magic 0xB5F1 | u32 body length | u32 crc32c(length bytes + body)</pre>
 */
final class RecordFrame {

    static final int HEADER_BYTES = 10;
    static final short MAGIC = (short) 0xB5F1;
    /** The smallest body any version writes. */
    static final int MIN_BODY = 2;
    /** The largest body: an MQTT packet is at most 256 MB. */
    static final int MAX_BODY = 268_435_455 + 1024;

    private RecordFrame() {
    }

    /** Reserves the header at {@code b}'s position; write the body after it, then {@link #seal}. Returns the start. */
    static int begin(ByteBuffer b) {
        int start = b.position();
        b.position(start + HEADER_BYTES);
        return start;
    }

    /** Fills in the header of the record begun at {@code start}, whose body ends at {@code b}'s position. */
    static int seal(ByteBuffer b, int start) {
        int size = b.position() - start - HEADER_BYTES;
        b.putShort(start, MAGIC).putInt(start + 2, size).putInt(start + 6, 0);
        CRC32C crc = new CRC32C();
        ByteBuffer region = b.duplicate();
        region.limit(start + 6).position(start + 2);
        crc.update(region);
        region.limit(start + HEADER_BYTES + size).position(start + HEADER_BYTES);
        crc.update(region);
        b.putInt(start + 6, (int) crc.getValue());
        return HEADER_BYTES + size;
    }

    /**
     * The length of the whole valid record at {@code buf}'s position (header included), or -1 when the bytes there
     * are not a complete record with a good checksum. Does not move the buffer.
     */
    static int validLength(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() < HEADER_BYTES || buf.getShort(p) != MAGIC) {
            return -1;
        }
        int size = buf.getInt(p + 2);
        if (size < MIN_BODY || size > MAX_BODY || size > buf.remaining() - HEADER_BYTES) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        ByteBuffer region = buf.duplicate();
        region.position(p + 2).limit(p + HEADER_BYTES - 4);
        crc.update(region);
        region.limit(p + HEADER_BYTES + size).position(p + HEADER_BYTES);
        crc.update(region);
        return (int) crc.getValue() == buf.getInt(p + 6) ? HEADER_BYTES + size : -1;
    }

    /** The whole length a header announces, or -1 when {@code buf} holds no plausible header at its position. */
    static int announcedLength(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() < HEADER_BYTES || buf.getShort(p) != MAGIC) {
            return -1;
        }
        int size = buf.getInt(p + 2);
        return size < MIN_BODY || size > MAX_BODY ? -1 : HEADER_BYTES + size;
    }

    /** The version byte of the valid record at {@code buf}'s position. */
    static int version(ByteBuffer buf) {
        return buf.get(buf.position() + HEADER_BYTES) & 0xFF;
    }
}
