package io.outpost.mqtt.bridge.store;

import io.outpost.core.message.PointReading;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The stored form of a {@link PointReading}, part of a queued record. Stateless.
 *
 * <pre>
 * str device | str point | u8 type (index in DataType, 255 for none) | u8 quality | str reason | u64 ts millis | value
 * value: u8 tag (0 none, 1 bool, 2 int, 3 uint64, 4 real, 5 text, 6 array) then u8 | i64 | i64 | f64 | str32 | u16 n, n values
 * str: u16 length + UTF-8; str32: u32 length + UTF-8
 * </pre>
 */
final class ReadingCodec {

    private static final int NO_TYPE = 255;

    private ReadingCodec() {
    }

    static byte[] encode(PointReading r) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(48);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            Sample s = r.sample();
            writeString(out, s.point().device());
            writeString(out, s.point().point());
            out.writeByte(r.type() == null ? NO_TYPE : r.type().ordinal());
            out.writeByte(s.quality().status().ordinal());
            writeString(out, s.quality().reason());
            out.writeLong(s.sourceTime().toEpochMilli());
            writeValue(out, s.value());
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    private static void writeValue(DataOutputStream out, Value v) throws IOException {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof Value.Bool b) {
            out.writeByte(1);
            out.writeByte(b.value() ? 1 : 0);
        } else if (v instanceof Value.Int i) {
            out.writeByte(2);
            out.writeLong(i.value());
        } else if (v instanceof Value.UInt64 u) {
            out.writeByte(3);
            out.writeLong(u.bits());
        } else if (v instanceof Value.Real r) {
            out.writeByte(4);
            out.writeDouble(r.value());
        } else if (v instanceof Value.Text t) {
            out.writeByte(5);
            byte[] utf8 = t.value().getBytes(StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        } else if (v instanceof Value.Array a) {
            out.writeByte(6);
            out.writeShort(a.items().size());
            for (Value item : a.items()) {
                writeValue(out, item);
            }
        }
    }

    static PointReading decode(ByteBuffer b) {
        String device = readString(b);
        String point = readString(b);
        int type = b.get() & 0xFF;
        Quality.Status status = Quality.Status.values()[b.get() & 0xFF];
        String reason = readString(b);
        long ts = b.getLong();
        Value value = readValue(b);
        Sample sample = new Sample(new PointRef(device, point), value, new Quality(status, reason), Instant.ofEpochMilli(ts));
        return new PointReading(sample, type == NO_TYPE ? null : DataType.values()[type]);
    }

    private static Value readValue(ByteBuffer b) {
        int tag = b.get() & 0xFF;
        switch (tag) {
            case 0:
                return null;
            case 1:
                return Value.of(b.get() != 0);
            case 2:
                return Value.of(b.getLong());
            case 3:
                return new Value.UInt64(b.getLong());
            case 4:
                return Value.of(b.getDouble());
            case 5:
                byte[] utf8 = new byte[b.getInt()];
                b.get(utf8);
                return Value.of(new String(utf8, StandardCharsets.UTF_8));
            case 6:
                int n = b.getShort() & 0xFFFF;
                List<Value> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readValue(b));
                }
                return new Value.Array(items);
            default:
                throw new IllegalStateException("unknown value tag " + tag + " in a stored reading");
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeShort(utf8.length);
        out.write(utf8);
    }

    private static String readString(ByteBuffer b) {
        byte[] utf8 = new byte[b.getShort() & 0xFFFF];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
