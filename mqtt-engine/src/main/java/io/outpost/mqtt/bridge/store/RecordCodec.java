package io.outpost.mqtt.bridge.store;

import io.outpost.core.message.PointReading;
import io.outpost.core.message.UserProperty;
import io.outpost.mqtt.bridge.batch.BatchFormat;
import io.outpost.mqtt.bridge.batch.Compression;
import io.outpost.mqtt.bridge.batch.Packing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a queued message. A record is a 10-byte header (magic, body length, CRC32C of the length and
 * the body) and a body; the CRC lets recovery find the last good record after a torn write and skip a damaged one.
 * Stateless.
 *
 * <pre>
 * header: u16 magic 0xB5F1 | u32 body length | u32 crc32c(length bytes + body)
 * body:   u8 version | u64 epoch | u64 seq | u64 receivedAtMillis | u8 flags
 *         [u32 expirySeconds] | str topic | [str contentType] | [str responseTopic] | [bin16 correlationData]
 *         | u16 n, n x (str name, str value) | u32 payload length, payload
 *         version 2 goes on: | u16 point updates | u8 ext
 *         [u8 format, u8 compression, u32 max delay ms, u32 max bytes, u32 dictionary id] | [str local topic]
 *         | [u32 length, reading (see ReadingCodec)]
 * flags:  bits 0-1 qos, 2 retain, 3 payload is UTF-8, 4 expiry, 5 content type, 6 response topic, 7 correlation
 * ext:    bit 0 packing, 1 local topic (when it differs from the remote one), 2 reading
 * str:    u16 length + UTF-8
 * </pre>
 * Records of version 1 (written before version 2 existed) are still read: they carry none of the version 2 parts.
 */
public final class RecordCodec {

    public static final int HEADER_BYTES = 10;
    static final short MAGIC = (short) 0xB5F1;
    private static final byte VERSION = 2;
    private static final int EXT_PACKING = 1;
    private static final int EXT_LOCAL_TOPIC = 2;
    private static final int EXT_READING = 4;
    /** The largest body: an MQTT packet is at most 256 MB. */
    static final int MAX_BODY = 268_435_455 + 1024;

    private RecordCodec() {
    }

    /** The whole record (header and body) for a message. */
    public static byte[] encode(long epoch, long seq, QueuedMessage m) {
        byte[] topic = utf8(m.topic());
        byte[] contentType = m.contentType() == null ? null : utf8(m.contentType());
        byte[] responseTopic = m.responseTopic() == null ? null : utf8(m.responseTopic());
        byte[] localTopic = m.localTopic().equals(m.topic()) ? null : utf8(m.localTopic());
        byte[] reading = m.reading() == null ? null : ReadingCodec.encode(m.reading());
        List<byte[]> props = new ArrayList<>(m.userProperties().size() * 2);
        int size = 1 + 8 + 8 + 8 + 1 + (m.messageExpirySeconds() != null ? 4 : 0) + 2 + topic.length
                + (contentType != null ? 2 + contentType.length : 0) + (responseTopic != null ? 2 + responseTopic.length : 0)
                + (m.correlationData() != null ? 2 + m.correlationData().length : 0) + 2 + 4 + m.payload().length
                + 2 + 1 + (m.packing() != null ? 14 : 0) + (localTopic != null ? 2 + localTopic.length : 0)
                + (reading != null ? 4 + reading.length : 0);
        for (UserProperty p : m.userProperties()) {
            byte[] name = utf8(p.name());
            byte[] value = utf8(p.value());
            props.add(name);
            props.add(value);
            size += 4 + name.length + value.length;
        }
        int flags = m.qos() | (m.retain() ? 4 : 0) | (m.payloadFormatUtf8() ? 8 : 0)
                | (m.messageExpirySeconds() != null ? 16 : 0) | (contentType != null ? 32 : 0)
                | (responseTopic != null ? 64 : 0) | (m.correlationData() != null ? 128 : 0);
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + size);
        b.putShort(MAGIC).putInt(size).putInt(0);
        b.put(VERSION).putLong(epoch).putLong(seq).putLong(m.receivedAtMillis()).put((byte) flags);
        if (m.messageExpirySeconds() != null) {
            b.putInt((int) Math.min(m.messageExpirySeconds(), 0xFFFF_FFFFL));
        }
        putShortBytes(b, topic);
        if (contentType != null) {
            putShortBytes(b, contentType);
        }
        if (responseTopic != null) {
            putShortBytes(b, responseTopic);
        }
        if (m.correlationData() != null) {
            putShortBytes(b, m.correlationData());
        }
        b.putShort((short) m.userProperties().size());
        for (byte[] part : props) {
            putShortBytes(b, part);
        }
        b.putInt(m.payload().length).put(m.payload());
        b.putShort((short) Math.min(m.pointUpdates(), 0xFFFF));
        int ext = (m.packing() != null ? EXT_PACKING : 0) | (localTopic != null ? EXT_LOCAL_TOPIC : 0)
                | (reading != null ? EXT_READING : 0);
        b.put((byte) ext);
        if (m.packing() != null) {
            Packing p = m.packing();
            b.put((byte) p.format().code()).put((byte) p.compression().code())
                    .putInt((int) Math.min(p.maxDelayMillis(), Integer.MAX_VALUE)).putInt(p.maxBytes()).putInt(p.dictionaryId());
        }
        if (localTopic != null) {
            putShortBytes(b, localTopic);
        }
        if (reading != null) {
            b.putInt(reading.length).put(reading);
        }
        byte[] out = b.array();
        ByteBuffer.wrap(out).putInt(6, crc(out, 2, 4 + size));
        return out;
    }

    /**
     * The length of the whole valid record at {@code buf}'s position (header included), or -1 when the bytes there
     * are not a complete record with a good checksum. Does not move the buffer.
     */
    public static int validLength(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() < HEADER_BYTES || buf.getShort(p) != MAGIC) {
            return -1;
        }
        int size = buf.getInt(p + 2);
        if (size < 1 + 8 + 8 + 8 + 1 + 2 + 2 + 4 || size > MAX_BODY || size > buf.remaining() - HEADER_BYTES) {
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

    /** The body length a header announces, or -1 when {@code buf} holds no plausible header at its position. */
    public static int announcedLength(ByteBuffer buf) {
        int p = buf.position();
        if (buf.remaining() < HEADER_BYTES || buf.getShort(p) != MAGIC) {
            return -1;
        }
        int size = buf.getInt(p + 2);
        return size < 0 || size > MAX_BODY ? -1 : HEADER_BYTES + size;
    }

    /**
     * Epoch, sequence, receive time and expiry deadline ({@link Long#MAX_VALUE} for none) of the valid record at
     * {@code buf}'s position, without decoding the rest.
     */
    public static long[] meta(ByteBuffer buf) {
        int p = buf.position() + HEADER_BYTES + 1;
        long receivedAt = buf.getLong(p + 16);
        int flags = buf.get(p + 24) & 0xFF;
        long expiresAt = (flags & 16) != 0 ? receivedAt + (buf.getInt(p + 25) & 0xFFFF_FFFFL) * 1000 : Long.MAX_VALUE;
        return new long[] {buf.getLong(p), buf.getLong(p + 8), receivedAt, expiresAt};
    }

    /** Decodes the valid record at {@code buf}'s position (see {@link #validLength}); does not move the buffer. */
    public static StoredRecord decode(ByteBuffer buf, RecordRef ref) {
        ByteBuffer b = buf.duplicate();
        b.position(buf.position() + HEADER_BYTES);
        byte version = b.get();
        if (version != 1 && version != VERSION) {
            throw new IllegalStateException("record format version " + version + " is not known to this gateway");
        }
        long epoch = b.getLong();
        long seq = b.getLong();
        long receivedAt = b.getLong();
        int flags = b.get() & 0xFF;
        Long expiry = (flags & 16) != 0 ? b.getInt() & 0xFFFF_FFFFL : null;
        String topic = getString(b);
        String contentType = (flags & 32) != 0 ? getString(b) : null;
        String responseTopic = (flags & 64) != 0 ? getString(b) : null;
        byte[] correlation = (flags & 128) != 0 ? getShortBytes(b) : null;
        int n = b.getShort() & 0xFFFF;
        List<UserProperty> props = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            props.add(new UserProperty(getString(b), getString(b)));
        }
        byte[] payload = new byte[b.getInt()];
        b.get(payload);
        int pointUpdates = 0;
        Packing packing = null;
        String localTopic = topic;
        PointReading reading = null;
        if (version >= 2) {
            pointUpdates = b.getShort() & 0xFFFF;
            int ext = b.get() & 0xFF;
            if ((ext & EXT_PACKING) != 0) {
                packing = readPacking(b);
            }
            if ((ext & EXT_LOCAL_TOPIC) != 0) {
                localTopic = getString(b);
            }
            if ((ext & EXT_READING) != 0) {
                int length = b.getInt();
                ByteBuffer r = b.slice(b.position(), length);
                reading = ReadingCodec.decode(r);
                b.position(b.position() + length);
            }
        }
        QueuedMessage m = new QueuedMessage(ref.classIndex(), topic, payload, flags & 3, (flags & 4) != 0, props, expiry,
                contentType, responseTopic, correlation, (flags & 8) != 0, receivedAt, pointUpdates, reading, packing,
                localTopic);
        return new StoredRecord(ref, epoch, seq, m);
    }

    private static Packing readPacking(ByteBuffer b) {
        int format = b.get() & 0xFF;
        int compression = b.get() & 0xFF;
        long delay = b.getInt() & 0xFFFF_FFFFL;
        int maxBytes = b.getInt();
        int dictionary = b.getInt();
        return new Packing(BatchFormat.ofCode(format).orElseThrow(() -> new IllegalStateException(
                "packing format " + format + " is not known to this gateway")),
                Compression.ofCode(compression).orElseThrow(() -> new IllegalStateException(
                        "compression " + compression + " is not known to this gateway")), delay, maxBytes, dictionary);
    }

    private static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, 4);
        crc.update(bytes, from + 8, length - 4);
        return (int) crc.getValue();
    }

    private static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 65_535) {
            throw new IllegalArgumentException("a string in an MQTT message is at most 65535 bytes, found " + bytes.length);
        }
        return bytes;
    }

    private static void putShortBytes(ByteBuffer b, byte[] bytes) {
        b.putShort((short) bytes.length).put(bytes);
    }

    private static byte[] getShortBytes(ByteBuffer b) {
        byte[] bytes = new byte[b.getShort() & 0xFFFF];
        b.get(bytes);
        return bytes;
    }

    private static String getString(ByteBuffer b) {
        return new String(getShortBytes(b), StandardCharsets.UTF_8);
    }
}
