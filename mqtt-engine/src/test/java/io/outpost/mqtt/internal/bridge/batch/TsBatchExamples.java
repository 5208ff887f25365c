package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ts-batch examples the decoders in other languages are tested on (docs/examples/ts-batch-examples.json) and the
 * worked example of docs/uplink-formats.md, and the readings as those decoders print them.
 */
final class TsBatchExamples {

    static final long T0 = 1_763_700_000_000L;

    private TsBatchExamples() {
    }

    /** The doc's worked example: two points, three readings. */
    static Map<String, Object> small() {
        PointRef temp = new PointRef("rtu-01", "temp");
        PointRef run = new PointRef("rtu-01", "run");
        TsTable table = TsTable.of(List.of(
                new TsTable.Entry(temp, TsKind.FLOAT32, 1, 1, Value.of(213L)),
                new TsTable.Entry(run, TsKind.BOOL, 0, 0, Value.of(true))));
        List<Sample> samples = List.of(
                Sample.good(temp, Value.ofFloat32(21.4f), T0),
                Sample.good(run, Value.of(true), T0),
                Sample.good(temp, Value.ofFloat32(21.4f), T0 + 1000));
        return example("small", table, samples, false);
    }

    /** Every kind, both float schemes, special floats, extreme integers, bad readings, a kind change, repeats. */
    static Map<String, Object> full() {
        PointRef f32 = new PointRef("rtu-01", "temperature-1");
        PointRef f64 = new PointRef("rtu-01", "pressure-1");
        PointRef dec64 = new PointRef("rtu-01", "setpoint");
        PointRef i64 = new PointRef("rtu-01", "starts");
        PointRef u64 = new PointRef("rtu-01", "energy");
        PointRef bool = new PointRef("rtu-01", "running");
        PointRef text = new PointRef("rtu-01", "mode");
        PointRef arr = new PointRef("rtu-01", "profile");
        PointRef lvl = new PointRef("rtu-02", "level-1");
        TsTable table = TsTable.of(List.of(
                new TsTable.Entry(f32, TsKind.FLOAT32, 2, 3, Value.of(2137L)),
                new TsTable.Entry(f64, TsKind.FLOAT64, TsTable.XOR, 0, new Value.Real(3.14159265358979, false)),
                new TsTable.Entry(dec64, TsKind.FLOAT64, 1, 0, Value.of(455L)),
                new TsTable.Entry(i64, TsKind.INT, 0, 2, Value.of(1_000_000L)),
                new TsTable.Entry(u64, TsKind.UINT64, 0, 4, new Value.UInt64(-2L)),
                new TsTable.Entry(bool, TsKind.BOOL, 0, 0, Value.of(false)),
                new TsTable.Entry(text, TsKind.TEXT, 0, 0, Value.of("AUTO")),
                new TsTable.Entry(arr, TsKind.ARRAY, 0, 0, null),
                new TsTable.Entry(lvl, TsKind.FLOAT64, TsTable.XOR, 0, new Value.Real(2.5, false))));
        List<Sample> s = new ArrayList<>();
        s.add(Sample.good(f32, Value.ofFloat32(21.38f), T0));
        s.add(Sample.good(f32, Value.ofFloat32(21.35f), T0 + 1000));
        s.add(Sample.good(f32, Value.ofFloat32(Float.intBitsToFloat(0x7FC0_1234)), T0 + 2000));
        s.add(Sample.good(f32, Value.ofFloat32(-0.0f), T0 + 3000));
        s.add(Sample.good(f32, Value.ofFloat32(21.3f), T0 + 4000));
        s.add(Sample.good(f64, new Value.Real(3.14159265358981, false), T0 + 7));
        s.add(Sample.good(f64, new Value.Real(Double.longBitsToDouble(0xFFF0_0000_DEAD_BEEFL), false), T0 + 1007));
        s.add(Sample.good(f64, new Value.Real(Double.NEGATIVE_INFINITY, false), T0 + 2007));
        s.add(Sample.good(dec64, new Value.Real(45.5, false), T0));
        s.add(Sample.good(dec64, new Value.Real(1e300, false), T0 + 1000));
        s.add(Sample.good(dec64, new Value.Real(-7.1, false), T0 + 2000));
        s.add(Sample.good(i64, Value.of(1_000_003L), T0));
        s.add(Sample.good(i64, Value.of(Long.MIN_VALUE), T0 + 1000));
        s.add(Sample.good(i64, Value.of(Long.MAX_VALUE), T0 + 2000));
        s.add(Sample.good(i64, new Value.Real(2.5, false), T0 + 3000));
        s.add(Sample.good(u64, new Value.UInt64(-1L), T0));
        s.add(Sample.good(u64, new Value.UInt64(5L), T0 + 1000));
        s.add(Sample.good(bool, Value.of(true), T0));
        s.add(new Sample(bool, Value.of(false), Quality.uncertain("stale"), T0 + 1000));
        s.add(Sample.good(text, Value.of("AUTO"), T0));
        s.add(Sample.good(text, Value.of("Grüße 温度 🚀"), T0 + 1000));
        s.add(Sample.good(arr, new Value.Array(List.of(Value.of(1L), Value.ofFloat32(1.5f), Value.of("x"),
                new Value.Array(List.of(Value.of(true))))), T0));
        s.add(Sample.bad(lvl, Quality.TIMEOUT, T0 - 250));
        s.add(Sample.good(lvl, new Value.Real(2.75, false), T0 + 750));
        return example("full", table, s, true);
    }

    private static Map<String, Object> example(String name, TsTable table, List<Sample> samples, boolean history) {
        byte[] batch = TsBatchEncoder.encode(table, samples, List.of(), history);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("table", HexFormat.of().formatHex(table.encode()));
        out.put("batch", HexFormat.of().formatHex(batch));
        List<Map<String, Object>> readings = new ArrayList<>();
        for (Sample s : TsBatchDecoder.decode(batch, id -> table).readings()) {
            readings.add(reading(s, history));
        }
        out.put("readings", readings);
        return out;
    }

    /** A reading as the Python and JavaScript decoders print it (floats carry their bits; compare those). */
    static Map<String, Object> reading(Sample s, boolean history) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("device", s.point().device());
        r.put("point", s.point().point());
        r.put("ts", s.sourceMillis());
        r.put("quality", s.quality().status().wireName());
        r.put("reason", s.quality().reason());
        r.put("history", history);
        r.putAll(value(s.value()));
        return r;
    }

    static Map<String, Object> value(Value v) {
        Map<String, Object> r = new HashMap<>();
        int kind = TsKind.of(v);
        r.put("kind", new String[] {"null", "bool", "int", "uint64", "float64", "float32", "text", "array"}[kind]);
        if (v instanceof Value.Real real) {
            r.put("bits", real.single() ? String.format("%08x", Float.floatToRawIntBits((float) real.value()))
                    : String.format("%016x", Double.doubleToRawLongBits(real.value())));
        } else if (v instanceof Value.Array a) {
            r.put("value", a.items().stream().map(TsBatchExamples::value).toList());
        } else if (v instanceof Value.UInt64 u) {
            r.put("value", new java.math.BigInteger(Long.toUnsignedString(u.bits())));
        } else if (v instanceof Value.Int i) {
            r.put("value", i.value());
        } else if (v instanceof Value.Bool b) {
            r.put("value", b.value());
        } else if (v instanceof Value.Text t) {
            r.put("value", t.value());
        } else {
            r.put("value", null);
        }
        return r;
    }
}
