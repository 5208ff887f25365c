package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.message.Message;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.bridge.config.BatchFormat;
import io.outpost.mqtt.bridge.config.Compression;
import io.outpost.mqtt.bridge.config.Packing;
import io.outpost.mqtt.internal.bridge.bench.UplinkShapes;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import io.outpost.mqtt.internal.bridge.testing.Queued;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the float schemes and the packer do on the benchmark's data shapes, without a broker: payload bytes per reading
 * (no MQTT framing) for one batch per device and second. The choice of the decimal scheme, XOR and the bucket widths
 * of {@link TsCode} rests on this (BENCHMARKS.md, "ts-batch: choosing the encoding"). Run:
 * {@code java -cp <test classpath> io.outpost.mqtt.internal.bridge.batch.TsSchemeMeasurement [seconds]}.
 */
public final class TsSchemeMeasurement {

    private TsSchemeMeasurement() {
    }

    public static void main(String[] args) {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 1200;
        long t0 = 1_763_700_000_000L;
        System.out.println("| shape | XOR vs previous second | decimal vs previous second | ts-batch (packer) | + zstd | tables (uncompressed) | cbor-batch + zstd |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (UplinkShapes shape : UplinkShapes.values()) {
            UplinkShapes.Workload w = shape.workload(7);
            long[] announced = {0};
            Compressor plain = new Compressor(List.of());
            long[] clock = {t0};
            TsBatchPacker packer = new TsBatchPacker(plain, () -> clock[0], (topic, payload, qos) -> {
                announced[0] += payload.length + topic.length() + 4;
                return true;
            });
            Packing tsZstd = new Packing(BatchFormat.TS_BATCH, Compression.ZSTD, 1000, 65536, 0);
            Packing tsNone = new Packing(BatchFormat.TS_BATCH, Compression.NONE, 1000, 65536, 0);
            Packing cbor = new Packing(BatchFormat.CBOR_BATCH, Compression.ZSTD, 1000, 65536, 0);
            TsBatchPacker zstdPacker = new TsBatchPacker(plain, () -> clock[0], (topic, payload, qos) -> true);
            BatchPacker cborPacker = new BatchPacker(plain);
            Map<String, List<Sample>> previous = new HashMap<>();
            long readings = 0;
            long xor = 0;
            long dec = 0;
            long ts = 0;
            long tsz = 0;
            long cb = 0;
            for (int s = 0; s < seconds; s++) {
                clock[0] = t0 + s * 1000L;
                List<Message> round = w.round(clock[0]);
                for (int d = 0; d < UplinkShapes.DEVICES; d++) {
                    List<Message> device = round.subList(d * UplinkShapes.POINTS, (d + 1) * UplinkShapes.POINTS);
                    List<StoredRecord> none = records(device, tsNone);
                    Message packed = packer.pack(none, false);
                    ts += packed.payload().length;
                    packer.atWrite(packed, none, false);
                    tsz += zstdPacker.pack(records(device, tsZstd), false).payload().length;
                    cb += cborPacker.pack(records(device, cbor), false).payload().length;
                    List<Sample> samples = none.stream().map(StoredRecord::sample).toList();
                    List<Sample> before = previous.put(UplinkShapes.device(d * UplinkShapes.POINTS), samples);
                    if (before != null && shape.type().name().startsWith("FLOAT")) {
                        xor += forced(before, samples, true);
                        dec += forced(before, samples, false);
                    }
                    readings += device.size();
                }
            }
            long compared = readings - UplinkShapes.DEVICES * UplinkShapes.POINTS;
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.3f | %.3f | %.3f | %.3f |%n", shape.description(),
                    xor == 0 ? "-" : String.format(Locale.ROOT, "%.3f", xor / (double) compared),
                    dec == 0 ? "-" : String.format(Locale.ROOT, "%.3f", dec / (double) compared),
                    ts / (double) readings, tsz / (double) readings, announced[0] / (double) readings, cb / (double) readings);
        }
    }

    private static List<StoredRecord> records(List<Message> messages, Packing packing) {
        List<StoredRecord> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            out.add(Queued.reading(0, m, "s/north-field/" + m.sample().point().device(), 1, packing).record(out.size()));
        }
        return out;
    }

    /** Payload bytes of one batch whose table holds the previous second's values, every float in one scheme. */
    private static long forced(List<Sample> before, List<Sample> now, boolean xor) {
        List<TsTable.Entry> entries = new ArrayList<>();
        List<Long> codes = new ArrayList<>();
        for (int i = 0; i < before.size(); i++) {
            Sample s = before.get(i);
            Value.Real r = (Value.Real) s.value();
            Value.Real next = (Value.Real) now.get(i).value();
            int d = xor ? -1 : Math.max(TsFloats.decimals(r.value(), r.single()), TsFloats.decimals(next.value(), r.single()));
            int kind = TsKind.of(r);
            if (d < 0) {
                entries.add(new TsTable.Entry(s.point(), kind, TsTable.XOR, r));
            } else {
                long m = TsFloats.scaled(r.value(), d, r.single());
                // The Rice parameter fitted on the whole batch's changes: what the table would hold for this data.
                codes.add(TsFloats.decimalCode(TsFloats.scaled(next.value(), d, r.single()), m));
                entries.add(new TsTable.Entry(s.point(), kind, d, -1, Value.of(m)));
            }
        }
        int k = TsCode.bestRice(codes.stream().mapToLong(Long::longValue).toArray());
        entries.replaceAll(e -> e.rice() < 0 ? new TsTable.Entry(e.point(), e.kind(), e.scheme(), k, e.reference()) : e);
        return TsBatchEncoder.encode(TsTable.of(entries), now, List.of(), false).length;
    }
}
