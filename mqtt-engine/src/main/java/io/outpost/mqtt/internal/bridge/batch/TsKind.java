package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.point.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The value kinds of {@code ts-batch} (3-bit codes, never renumbered) and the raw form of a value in the bit stream:
 * the kind, then the value without prediction. Used for readings that are not plain and for array items.
 */
final class TsKind {

    static final int NULL = 0;
    static final int BOOL = 1;
    static final int INT = 2;
    static final int UINT64 = 3;
    static final int FLOAT64 = 4;
    static final int FLOAT32 = 5;
    static final int TEXT = 6;
    static final int ARRAY = 7;

    /** Arrays nest at most this deep in a payload (a decoder's recursion bound). */
    static final int MAX_DEPTH = 16;

    private TsKind() {
    }

    static int of(Value v) {
        if (v == null) {
            return NULL;
        }
        if (v instanceof Value.Bool) {
            return BOOL;
        }
        if (v instanceof Value.Int) {
            return INT;
        }
        if (v instanceof Value.UInt64) {
            return UINT64;
        }
        if (v instanceof Value.Real r) {
            return r.single() ? FLOAT32 : FLOAT64;
        }
        if (v instanceof Value.Text) {
            return TEXT;
        }
        return ARRAY;
    }

    static void writeRaw(BitWriter w, Value v) {
        writeRaw(w, v, 0);
    }

    private static void writeRaw(BitWriter w, Value v, int depth) {
        int kind = of(v);
        w.bits(kind, 3);
        switch (kind) {
            case BOOL -> w.bit(((Value.Bool) v).value());
            case INT -> w.s(((Value.Int) v).value());
            case UINT64 -> w.u(((Value.UInt64) v).bits());
            case FLOAT64 -> w.bits(Double.doubleToRawLongBits(((Value.Real) v).value()), 64);
            case FLOAT32 -> w.bits(Float.floatToRawIntBits((float) ((Value.Real) v).value()), 32);
            case TEXT -> text(w, ((Value.Text) v).value());
            case ARRAY -> {
                if (depth >= MAX_DEPTH) {
                    throw new IllegalArgumentException("arrays nest deeper than " + MAX_DEPTH);
                }
                List<Value> items = ((Value.Array) v).items();
                w.u(items.size());
                for (Value item : items) {
                    writeRaw(w, item, depth + 1);
                }
            }
            default -> {
                // NULL: the kind says it all.
            }
        }
    }

    static void text(BitWriter w, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        w.u(utf8.length);
        w.bytes(utf8);
    }

    static String text(BitReader r) {
        return new String(r.bytes(r.u()), StandardCharsets.UTF_8);
    }

    static Value readRaw(BitReader r) {
        return readRaw(r, 0);
    }

    private static Value readRaw(BitReader r, int depth) {
        int kind = (int) r.bits(3);
        return switch (kind) {
            case NULL -> null;
            case BOOL -> Value.of(r.bit());
            case INT -> Value.of(r.s());
            case UINT64 -> new Value.UInt64(r.u());
            case FLOAT64 -> new Value.Real(Double.longBitsToDouble(r.bits(64)), false);
            case FLOAT32 -> new Value.Real(Float.intBitsToFloat((int) r.bits(32)), true);
            case TEXT -> new Value.Text(text(r));
            default -> {
                if (depth >= MAX_DEPTH) {
                    throw new TsFormatException("arrays nest deeper than " + MAX_DEPTH);
                }
                long n = r.u();
                if (Long.compareUnsigned(n, r.remaining() / 3) > 0) { // unsigned: U may exceed 2^63
                    throw new TsFormatException("an array of " + Long.toUnsignedString(n) + " items runs past the end");
                }
                List<Value> items = new ArrayList<>((int) n);
                for (long i = 0; i < n; i++) {
                    Value item = readRaw(r, depth + 1);
                    if (item == null) {
                        throw new TsFormatException("an array item is null");
                    }
                    items.add(item);
                }
                yield new Value.Array(items);
            }
        };
    }
}
