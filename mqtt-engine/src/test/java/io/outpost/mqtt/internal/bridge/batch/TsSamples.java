package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.message.JsonPayloadFormat;
import io.outpost.core.message.Message;
import io.outpost.core.message.MessageHeader;
import io.outpost.core.message.MessageProperties;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Random readings for the ts-batch property tests, with the values that break codecs made likely. */
final class TsSamples {

    static final Packing TS = new Packing(BatchFormat.TS_BATCH, Compression.NONE, 1000, 65536, 0);
    private static final String[] TEXTS = {"", "AUTO", "MANUAL", "Grüße", "温度", "a\u0000b", "🚀 launch", "x".repeat(300)};

    private TsSamples() {
    }

    static StoredRecord record(Sample s, long seq) {
        MessageHeader header = new MessageHeader("site/" + s.point().device() + "/" + s.point().point(), 1, true,
                MessageProperties.JSON, Message.ORIGIN_GATEWAY);
        Message m = Message.reading(header, new JsonPayloadFormat(), s, s.sourceMillis());
        return Queued.reading(0, m, "cloud/" + s.point().device(), 1, TS).record(seq);
    }

    static List<StoredRecord> records(List<Sample> samples) {
        List<StoredRecord> out = new ArrayList<>();
        for (Sample s : samples) {
            out.add(record(s, out.size() + 1));
        }
        return out;
    }

    static Value value(Random rnd, int kind) {
        return switch (kind) {
            case TsKind.BOOL -> Value.of(rnd.nextBoolean());
            case TsKind.INT -> Value.of(switch (rnd.nextInt(6)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                case 2 -> rnd.nextLong();
                case 3 -> rnd.nextInt(2000) - 1000;
                default -> 1_000_000L + rnd.nextInt(10);
            });
            case TsKind.UINT64 -> new Value.UInt64(rnd.nextInt(3) == 0 ? -1L - rnd.nextInt(3) : rnd.nextLong());
            case TsKind.FLOAT64 -> new Value.Real(float64(rnd), false);
            case TsKind.FLOAT32 -> Value.ofFloat32(float32(rnd));
            case TsKind.TEXT -> Value.of(TEXTS[rnd.nextInt(TEXTS.length)]);
            default -> {
                List<Value> items = new ArrayList<>();
                int n = rnd.nextInt(4);
                for (int i = 0; i < n; i++) {
                    int k = 1 + rnd.nextInt(7);
                    items.add(value(rnd, k == TsKind.ARRAY && rnd.nextBoolean() ? TsKind.INT : k));
                }
                yield new Value.Array(items);
            }
        };
    }

    static double float64(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> Double.longBitsToDouble(0x7FF0_0000_0000_0000L | (rnd.nextLong() & 0x000F_FFFF_FFFF_FFFFL | 1)
                    | (rnd.nextBoolean() ? Long.MIN_VALUE : 0)); // NaN with payload bits and either sign
            case 1 -> Double.POSITIVE_INFINITY;
            case 2 -> Double.NEGATIVE_INFINITY;
            case 3 -> -0.0;
            case 4 -> Double.MIN_VALUE;
            case 5 -> Double.longBitsToDouble(rnd.nextLong());
            case 6, 7, 8 -> (rnd.nextInt(200_000) - 100_000) / TsFloats.POW10[rnd.nextInt(4)];
            default -> 20 + rnd.nextGaussian();
        };
    }

    static float float32(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> Float.intBitsToFloat(0x7FC0_0000 | rnd.nextInt(0x40_0000) | (rnd.nextBoolean() ? 0x8000_0000 : 0));
            case 1 -> Float.POSITIVE_INFINITY;
            case 2 -> -0.0f;
            case 3 -> Float.intBitsToFloat(rnd.nextInt());
            case 4, 5, 6 -> (float) ((rnd.nextInt(20_000) - 10_000) / TsFloats.POW10[rnd.nextInt(3)]);
            default -> (float) (50 + rnd.nextGaussian());
        };
    }

    static Quality quality(Random rnd) {
        return switch (rnd.nextInt(10)) {
            case 0 -> Quality.bad(rnd.nextBoolean() ? Quality.TIMEOUT : "device-exception:02");
            case 1 -> Quality.uncertain("stale");
            default -> Quality.GOOD;
        };
    }

    /** A reading of {@code p}: usually good of the point's kind, sometimes bad without value or of another kind. */
    static Sample sample(Random rnd, PointRef p, int kind, long ts) {
        Quality q = quality(rnd);
        Value v = q.status() == Quality.Status.BAD && rnd.nextBoolean() ? null
                : value(rnd, rnd.nextInt(20) == 0 ? 1 + rnd.nextInt(7) : kind);
        return new Sample(p, v, q, ts);
    }

    /** The value as it must arrive: kind and bits (a float32 by its float bits). */
    static String wire(Value v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Value.Real r) {
            return r.single() ? "f32:" + Integer.toHexString(Float.floatToRawIntBits((float) r.value()))
                    : "f64:" + Long.toHexString(Double.doubleToRawLongBits(r.value()));
        }
        if (v instanceof Value.Array a) {
            StringBuilder b = new StringBuilder("[");
            a.items().forEach(i -> b.append(wire(i)).append(','));
            return b.append(']').toString();
        }
        return v.getClass().getSimpleName() + ":" + v;
    }

    static String wire(Sample s) {
        return s.point() + "@" + s.sourceMillis() + " " + s.quality().status() + "(" + s.quality().reason() + ") "
                + wire(s.value());
    }
}
