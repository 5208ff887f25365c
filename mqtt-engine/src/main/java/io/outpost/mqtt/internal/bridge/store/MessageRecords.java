package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.message.PayloadFormats;
import io.outpost.core.message.UserProperty;
import io.outpost.core.point.Sample;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.Packing;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records that hold one whole message: what local clients publish, status messages, command results (everything
 * but the core's readings, see {@link ReadingRecords}). Also reads the records of earlier versions, readings
 * included. Stateless.
 *
 * <pre>
 * body:   u8 version (2) | u64 epoch | u64 seq | u64 receivedAtMillis | u8 flags
 *         [u32 expirySeconds] | str topic | [str contentType] | [str responseTopic] | [bin16 correlationData]
 *         | u16 n, n x (str name, str value) | u32 payload length, payload
 *         | u16 point updates | u8 ext
 *         [u8 format, u8 compression, u32 max delay ms, u32 max bytes, u32 dictionary id] | [str local topic]
 *         | [u32 length, reading (see ReadingCodec; written by earlier versions only)]
 * flags:  bits 0-1 qos, 2 retain, 3 payload is UTF-8, 4 expiry, 5 content type, 6 response topic, 7 correlation
 * ext:    bit 0 packing, 1 local topic (when it differs from the remote one), 2 reading
 * str:    u16 length + UTF-8
 * </pre>
 * Version 1 records end after the payload. The topic, QoS and RETAIN stored are the remote ones (the route's).
 */
final class MessageRecords {

    static final int VERSION_1 = 1;
    static final int VERSION = 2;
    /** The origin of messages read back from the store; nothing routes on it. */
    static final String ORIGIN = "$queue";
    private static final int EXT_PACKING = 1;
    private static final int EXT_LOCAL_TOPIC = 2;
    private static final int EXT_READING = 4;

    private MessageRecords() {
    }

    /** Appends the whole record (header and body) for a message queued under {@code route} to {@code b}. */
    static void encode(ByteBuffer b, long epoch, long seq, Message m, Route route) {
        byte[] topic = utf8(route.remoteTopic());
        byte[] contentType = m.contentType() == null ? null : utf8(m.contentType());
        byte[] responseTopic = m.responseTopic() == null ? null : utf8(m.responseTopic());
        byte[] localTopic = route.localTopic().equals(route.remoteTopic()) ? null : utf8(route.localTopic());
        byte[] payload = m.payload();
        Long expiry = m.messageExpirySeconds();
        int start = RecordFrame.begin(b);
        int flags = route.qos() | (route.retain() ? 4 : 0) | (m.payloadFormatUtf8() ? 8 : 0)
                | (expiry != null ? 16 : 0) | (contentType != null ? 32 : 0)
                | (responseTopic != null ? 64 : 0) | (m.correlationData() != null ? 128 : 0);
        b.put((byte) VERSION).putLong(epoch).putLong(seq).putLong(m.receivedAtMillis()).put((byte) flags);
        if (expiry != null) {
            b.putInt((int) Math.min(expiry, 0xFFFF_FFFFL));
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
        for (UserProperty p : m.userProperties()) {
            putShortBytes(b, utf8(p.name()));
            putShortBytes(b, utf8(p.value()));
        }
        b.putInt(payload.length).put(payload);
        b.putShort((short) 0);
        int ext = (route.packing() != null ? EXT_PACKING : 0) | (localTopic != null ? EXT_LOCAL_TOPIC : 0);
        b.put((byte) ext);
        if (route.packing() != null) {
            putPacking(b, route.packing());
        }
        if (localTopic != null) {
            putShortBytes(b, localTopic);
        }
        RecordFrame.seal(b, start);
    }

    /** An upper bound of the record's length, to size the buffer before {@link #encode}. */
    static int maxLength(Message m, Route route) {
        int n = RecordFrame.HEADER_BYTES + 1 + 8 + 8 + 8 + 1 + 4 + 2 + 2 + 1 + 14 + 4;
        n += 3 * (route.remoteTopic().length() + route.localTopic().length()) + 4;
        n += m.contentType() == null ? 0 : 2 + 3 * m.contentType().length();
        n += m.responseTopic() == null ? 0 : 2 + 3 * m.responseTopic().length();
        n += m.correlationData() == null ? 0 : 2 + m.correlationData().length;
        for (UserProperty p : m.userProperties()) {
            n += 4 + 3 * (p.name().length() + p.value().length());
        }
        return n + m.payload().length;
    }

    /** Epoch, sequence, receive time and expiry deadline ({@link Long#MAX_VALUE} for none) of the record at {@code p}. */
    static long[] meta(ByteBuffer buf) {
        int p = buf.position() + RecordFrame.HEADER_BYTES + 1;
        long receivedAt = buf.getLong(p + 16);
        int flags = buf.get(p + 24) & 0xFF;
        long expiresAt = (flags & 16) != 0 ? receivedAt + (buf.getInt(p + 25) & 0xFFFF_FFFFL) * 1000 : Long.MAX_VALUE;
        return new long[] {buf.getLong(p), buf.getLong(p + 8), receivedAt, expiresAt};
    }

    /** Decodes the valid record at {@code buf}'s position; does not move the buffer. */
    static StoredRecord decode(ByteBuffer buf, RecordRef ref, PayloadFormats formats) {
        ByteBuffer b = buf.duplicate();
        b.position(buf.position() + RecordFrame.HEADER_BYTES);
        int version = b.get() & 0xFF;
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
        Packing packing = null;
        String localTopic = topic;
        Sample reading = null;
        if (version >= VERSION) {
            b.getShort();
            int ext = b.get() & 0xFF;
            if ((ext & EXT_PACKING) != 0) {
                packing = getPacking(b);
            }
            if ((ext & EXT_LOCAL_TOPIC) != 0) {
                localTopic = getString(b);
            }
            if ((ext & EXT_READING) != 0) {
                int length = b.getInt();
                reading = ReadingCodec.decode(b.slice(b.position(), length));
                b.position(b.position() + length);
            }
        }
        int qos = flags & 3;
        boolean retain = (flags & 4) != 0;
        MessageHeader header = new MessageHeader(localTopic, qos, retain, new MessageProperties(props, expiry,
                contentType, responseTopic, correlation, (flags & 8) != 0), ORIGIN);
        Message message;
        Route route;
        if (reading != null) {
            // A reading queued by an earlier version: its JSON payload was stored with it.
            message = Message.stored(header, formats.get(io.outpost.core.message.JsonPayloadFormat.NAME), reading,
                    payload, receivedAt);
            route = new Route(localTopic, topic, qos, retain, packing, reading.point(),
                    io.outpost.core.message.JsonPayloadFormat.NAME);
        } else {
            message = Message.of(header, payload, receivedAt);
            route = new Route(localTopic, topic, qos, retain, packing, null, null);
        }
        return new StoredRecord(ref, epoch, seq, message, route);
    }

    static void putPacking(ByteBuffer b, Packing p) {
        b.put((byte) p.format().code()).put((byte) p.compression().code())
                .putInt((int) Math.min(p.maxDelayMillis(), Integer.MAX_VALUE)).putInt(p.maxBytes()).putInt(p.dictionaryId());
    }

    static Packing getPacking(ByteBuffer b) {
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

    static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 65_535) {
            throw new IllegalArgumentException("a string in an MQTT message is at most 65535 bytes, found " + bytes.length);
        }
        return bytes;
    }

    static void putShortBytes(ByteBuffer b, byte[] bytes) {
        b.putShort((short) bytes.length).put(bytes);
    }

    static byte[] getShortBytes(ByteBuffer b) {
        byte[] bytes = new byte[b.getShort() & 0xFFFF];
        b.get(bytes);
        return bytes;
    }

    static String getString(ByteBuffer b) {
        return new String(getShortBytes(b), StandardCharsets.UTF_8);
    }
}
