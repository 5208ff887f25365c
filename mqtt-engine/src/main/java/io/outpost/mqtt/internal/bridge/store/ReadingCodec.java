package io.outpost.mqtt.internal.bridge.store;

import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The form in which earlier versions stored a reading inside a whole-message record (version 2 with its reading
 * extension); read back so that what they queued is still delivered. Nothing writes it any more. Stateless.
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

    static Sample decode(ByteBuffer b) {
        String device = readString(b);
        String point = readString(b);
        int type = b.get() & 0xFF;
        Quality.Status status = Quality.Status.values()[b.get() & 0xFF];
        String reason = readString(b);
        long ts = b.getLong();
        boolean single = type != NO_TYPE && DataType.values()[type] == DataType.FLOAT32;
        Value value = readValue(b, single);
        return new Sample(new PointRef(device, point), value, new Quality(status, reason), ts);
    }

    private static Value readValue(ByteBuffer b, boolean single) {
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
                double d = b.getDouble();
                return single ? Value.ofFloat32((float) d) : Value.of(d);
            case 5:
                byte[] utf8 = new byte[b.getInt()];
                b.get(utf8);
                return Value.of(new String(utf8, StandardCharsets.UTF_8));
            case 6:
                int n = b.getShort() & 0xFFFF;
                List<Value> items = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    items.add(readValue(b, single));
                }
                return new Value.Array(items);
            default:
                throw new IllegalStateException("unknown value tag " + tag + " in a stored reading");
        }
    }

    private static String readString(ByteBuffer b) {
        byte[] utf8 = new byte[b.getShort() & 0xFFFF];
        b.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
