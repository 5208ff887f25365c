package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.message.Message;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * Records of the core's readings: one record per poll (per store class), each reading a few bytes: the index of its
 * route in the store's {@link RouteTable} (which names the point, its topics, QoS, packing and payload format), its
 * quality, its source time as a difference from the receive time, and its typed value. A float32 reading of good
 * quality takes 7-9 bytes. Stateless.
 *
 * <pre>
 * body:  u8 version (3) | u64 epoch | varint first seq | u64 receivedAtMillis | varint count | count x item
 * item:  varint route index | u8 flags | [svarint receive delta] | svarint source delta | [varint n, reason] | value
 * flags: bits 0-1 quality (0 good, 1 uncertain, 2 bad), bit 2 reason present, bit 3 receive delta present,
 *        bits 4-7 value tag
 * value: tag 0 none | 1 false | 2 true | 3 svarint integer | 4 u64 unsigned | 5 f32 | 6 f64 | 7 varint n, UTF-8
 *        | 8 varint n, n x (u8 tag, value)
 * </pre>
 * Item {@code i} has sequence {@code first seq + i} and, for acknowledgements and QoS 2 state, the address
 * {@code record offset + i} in its segment (a record is longer than its item count, so addresses never collide).
 */
final class ReadingRecords {

    static final int VERSION = 3;

    private static final int TAG_NONE = 0;
    private static final int TAG_FALSE = 1;
    private static final int TAG_TRUE = 2;
    private static final int TAG_INT = 3;
    private static final int TAG_UINT64 = 4;
    private static final int TAG_FLOAT32 = 5;
    private static final int TAG_FLOAT64 = 6;
    private static final int TAG_TEXT = 7;
    private static final int TAG_ARRAY = 8;
    private static final int REASON = 4;
    private static final int RECEIVE_DELTA = 8;

    private ReadingRecords() {
    }

    /**
     * Appends one record of the readings {@code messages[from..to)} to {@code b}, item {@code i} taking route
     * {@code routes[i]} (table indexes). The buffer must have room for {@link #maxLength}.
     */
    static void encode(ByteBuffer b, long epoch, long firstSeq, Message[] messages, int[] routes, int from, int to) {
        long receivedAt = messages[from].receivedAtMillis();
        int start = RecordFrame.begin(b);
        b.put((byte) VERSION).putLong(epoch);
        Varints.put(b, firstSeq);
        b.putLong(receivedAt);
        Varints.put(b, to - from);
        for (int i = from; i < to; i++) {
            Message m = messages[i];
            Sample s = m.sample();
            Varints.put(b, routes[i]);
            Quality q = s.quality();
            boolean reason = !q.reason().isEmpty();
            long receiveDelta = m.receivedAtMillis() - receivedAt;
            int flags = q.status().ordinal() | (reason ? REASON : 0) | (receiveDelta != 0 ? RECEIVE_DELTA : 0)
                    | tag(s.value()) << 4;
            b.put((byte) flags);
            if (receiveDelta != 0) {
                Varints.putSigned(b, receiveDelta);
            }
            Varints.putSigned(b, s.sourceMillis() - m.receivedAtMillis());
            if (reason) {
                putText(b, q.reason());
            }
            putValue(b, s.value());
        }
        RecordFrame.seal(b, start);
    }

    /** An upper bound of the length of the record {@link #encode} writes for these messages. */
    static int maxLength(Message[] messages, int from, int to) {
        int n = RecordFrame.HEADER_BYTES + 1 + 8 + 10 + 8 + 5;
        for (int i = from; i < to; i++) {
            Sample s = messages[i].sample();
            n += 5 + 1 + 10 + 10 + maxLength(s.value());
            if (!s.quality().reason().isEmpty()) {
                n += 5 + 3 * s.quality().reason().length();
            }
        }
        return n;
    }

    /** Epoch, first sequence, receive time and item count of the record at {@code buf}'s position. */
    static long[] meta(ByteBuffer buf) {
        ByteBuffer b = body(buf);
        long epoch = b.getLong();
        long firstSeq = Varints.get(b);
        long receivedAt = b.getLong();
        long count = Varints.get(b);
        return new long[] {epoch, firstSeq, receivedAt, count};
    }

    /**
     * Decodes the items of the record at {@code buf}'s position whose address is not skipped, in order; items whose
     * route the table does not know (a crash lost the table entry, so the record was never acknowledged) go to
     * {@code unknown} instead.
     */
    static void decode(ByteBuffer buf, int classIndex, long segmentId, int offset, int length, RouteTable routes,
                       IntPredicate skipped, Consumer<StoredRecord> out, List<RecordRef> unknown) {
        ByteBuffer b = body(buf);
        long epoch = b.getLong();
        long firstSeq = Varints.get(b);
        long receivedAt = b.getLong();
        int count = (int) Varints.get(b);
        for (int i = 0; i < count; i++) {
            int routeIndex = (int) Varints.get(b);
            int flags = b.get() & 0xFF;
            long itemReceivedAt = (flags & RECEIVE_DELTA) != 0 ? receivedAt + Varints.getSigned(b) : receivedAt;
            long source = itemReceivedAt + Varints.getSigned(b);
            String reason = (flags & REASON) != 0 ? getText(b) : "";
            Value value = getValue(b, flags >>> 4);
            if (skipped.test(offset + i)) {
                continue;
            }
            RouteTable.Entry e = routes.get(routeIndex);
            if (e == null) {
                unknown.add(new RecordRef(classIndex, segmentId, offset, length, i, count));
                continue;
            }
            Quality quality = reason.isEmpty() && (flags & 3) == 0 ? Quality.GOOD
                    : new Quality(Quality.Status.values()[flags & 3], reason);
            Sample sample = new Sample(e.route().point(), value, quality, source);
            Message m = Message.reading(e.header(), e.format(), sample, itemReceivedAt);
            out.accept(new StoredRecord(new RecordRef(classIndex, segmentId, offset, length, i, count), epoch,
                    firstSeq + i, m, e.route()));
        }
    }

    /** The route index and receive time of every item of a record, read without decoding values. */
    record Heads(int[] routes, long[] receivedAt) {
    }

    /**
     * The route index and receive time of every item of the record at {@code buf}'s position (for the route table's
     * compaction, and for a live lane that only needs each message's topic and time).
     */
    static Heads heads(ByteBuffer buf) {
        ByteBuffer b = body(buf);
        b.getLong();
        Varints.get(b);
        long receivedAt = b.getLong();
        int count = (int) Varints.get(b);
        int[] out = new int[count];
        long[] times = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = (int) Varints.get(b);
            int flags = b.get() & 0xFF;
            times[i] = (flags & RECEIVE_DELTA) != 0 ? receivedAt + Varints.getSigned(b) : receivedAt;
            Varints.get(b);
            if ((flags & REASON) != 0) {
                skipText(b);
            }
            skipValue(b, flags >>> 4);
        }
        return new Heads(out, times);
    }

    private static ByteBuffer body(ByteBuffer buf) {
        ByteBuffer b = buf.duplicate();
        b.position(buf.position() + RecordFrame.HEADER_BYTES + 1);
        return b;
    }

    private static int tag(Value v) {
        if (v == null) {
            return TAG_NONE;
        } else if (v instanceof Value.Bool bool) {
            return bool.value() ? TAG_TRUE : TAG_FALSE;
        } else if (v instanceof Value.Int) {
            return TAG_INT;
        } else if (v instanceof Value.UInt64) {
            return TAG_UINT64;
        } else if (v instanceof Value.Real r) {
            return r.single() ? TAG_FLOAT32 : TAG_FLOAT64;
        } else if (v instanceof Value.Text) {
            return TAG_TEXT;
        } else {
            return TAG_ARRAY;
        }
    }

    private static int maxLength(Value v) {
        if (v instanceof Value.Text t) {
            return 5 + 3 * t.value().length();
        }
        if (v instanceof Value.Array a) {
            int n = 5;
            for (Value item : a.items()) {
                n += 1 + maxLength(item);
            }
            return n;
        }
        return 10;
    }

    private static void putValue(ByteBuffer b, Value v) {
        if (v instanceof Value.Int i) {
            Varints.putSigned(b, i.value());
        } else if (v instanceof Value.UInt64 u) {
            b.putLong(u.bits());
        } else if (v instanceof Value.Real r) {
            if (r.single()) {
                b.putFloat((float) r.value());
            } else {
                b.putDouble(r.value());
            }
        } else if (v instanceof Value.Text t) {
            putText(b, t.value());
        } else if (v instanceof Value.Array a) {
            Varints.put(b, a.items().size());
            for (Value item : a.items()) {
                b.put((byte) tag(item));
                putValue(b, item);
            }
        }
    }

    private static Value getValue(ByteBuffer b, int tag) {
        switch (tag) {
            case TAG_NONE:
                return null;
            case TAG_FALSE:
                return Value.of(false);
            case TAG_TRUE:
                return Value.of(true);
            case TAG_INT:
                return Value.of(Varints.getSigned(b));
            case TAG_UINT64:
                return new Value.UInt64(b.getLong());
            case TAG_FLOAT32:
                return Value.ofFloat32(b.getFloat());
            case TAG_FLOAT64:
                return Value.of(b.getDouble());
            case TAG_TEXT:
                return Value.of(getText(b));
            case TAG_ARRAY:
                int n = (int) Varints.get(b);
                List<Value> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(getValue(b, b.get() & 0xFF));
                }
                return new Value.Array(items);
            default:
                throw new IllegalStateException("unknown value tag " + tag + " in a stored reading");
        }
    }

    private static void skipValue(ByteBuffer b, int tag) {
        switch (tag) {
            case TAG_INT -> Varints.get(b);
            case TAG_UINT64, TAG_FLOAT64 -> b.position(b.position() + 8);
            case TAG_FLOAT32 -> b.position(b.position() + 4);
            case TAG_TEXT -> skipText(b);
            case TAG_ARRAY -> {
                int n = (int) Varints.get(b);
                for (int i = 0; i < n; i++) {
                    skipValue(b, b.get() & 0xFF);
                }
            }
            default -> {
                // none, false and true take no bytes
            }
        }
    }

    private static void skipText(ByteBuffer b) {
        int length = (int) Varints.get(b);
        b.position(b.position() + length);
    }

    private static void putText(ByteBuffer b, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        Varints.put(b, utf8.length);
        b.put(utf8);
    }

    private static String getText(ByteBuffer b) {
        byte[] utf8 = new byte[(int) Varints.get(b)];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
