package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.mqtt.internal.bridge.store.StoredRecord;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes a batch as {@code ts-batch} against a point table that names every point of the batch (see
 * {@code docs/uplink-formats.md}, "ts-batch"): a 6-byte header and the base time, then one bit stream of four
 * sections (which points, their times, which readings are plain, the values), then the messages that are not
 * readings. Stateless and thread-safe.
 */
public final class TsBatchEncoder {

    /** First byte of a batch payload. */
    public static final int MARKER = 0xE1;
    static final int FLAG_HISTORY = 1;
    static final int FLAG_MESSAGES = 2;

    private TsBatchEncoder() {
    }

    /**
     * @param table names every point of the batch's readings ({@link IllegalArgumentException} otherwise)
     */
    public static byte[] encode(TsTable table, List<StoredRecord> batch, boolean history) {
        List<Sample> samples = new ArrayList<>(batch.size());
        List<StoredRecord> messages = new ArrayList<>();
        for (StoredRecord r : batch) {
            if (r.sample() == null) {
                messages.add(r);
            } else {
                samples.add(r.sample());
            }
        }
        return encode(table, samples, messages, history);
    }

    static byte[] encode(TsTable table, List<Sample> samples, List<StoredRecord> messages, boolean history) {
        int entries = table.entries().size();
        // Group by entry, keeping each point's order: a counting sort.
        int[] counts = new int[entries];
        int[] entryOf = new int[samples.size()];
        long base = Long.MAX_VALUE;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            int e = table.indexOf(s.point());
            if (e < 0) {
                throw new IllegalArgumentException("point " + s.point() + " is not in table " + table.idHex());
            }
            entryOf[i] = e;
            counts[e]++;
            base = Math.min(base, s.sourceMillis());
        }
        for (StoredRecord m : messages) {
            base = Math.min(base, m.receivedAtMillis());
        }
        if (base == Long.MAX_VALUE) {
            base = 0;
        }
        int[] start = new int[entries + 1];
        for (int e = 0; e < entries; e++) {
            start[e + 1] = start[e] + counts[e];
        }
        Sample[] ordered = new Sample[samples.size()];
        int[] fill = start.clone();
        for (int i = 0; i < samples.size(); i++) {
            ordered[fill[entryOf[i]]++] = samples.get(i);
        }

        BitWriter w = new BitWriter(samples.size() * 2 + 16);
        writePresence(w, counts);
        writeTimes(w, counts, start, ordered, base);
        boolean[] plain = new boolean[ordered.length];
        for (int e = 0; e < entries; e++) {
            TsTable.Entry entry = table.entries().get(e);
            for (int i = start[e]; i < start[e + 1]; i++) {
                plain[i] = isPlain(entry, ordered[i]);
            }
        }
        writeRuns(w, plain);
        for (int e = 0; e < entries; e++) {
            if (counts[e] > 0) {
                writeValues(w, table.entries().get(e), ordered, plain, start[e], start[e + 1]);
            }
        }
        byte[] bits = w.toByteArray();

        ByteArrayOutputStream out = new ByteArrayOutputStream(bits.length + 16);
        out.write(MARKER);
        out.write((history ? FLAG_HISTORY : 0) | (messages.isEmpty() ? 0 : FLAG_MESSAGES));
        long id = table.id();
        for (int i = 24; i >= 0; i -= 8) {
            out.write((int) (id >>> i));
        }
        TsTable.varint(out, TsCode.zigzag(base));
        out.write(bits, 0, bits.length);
        if (!messages.isEmpty()) {
            TsTable.varint(out, messages.size());
            for (StoredRecord m : messages) {
                byte[] topic = m.localTopic().getBytes(StandardCharsets.UTF_8);
                TsTable.varint(out, topic.length);
                out.write(topic, 0, topic.length);
                TsTable.varint(out, TsCode.zigzag(m.receivedAtMillis() - base));
                byte[] payload = m.message().payload();
                TsTable.varint(out, payload.length);
                out.write(payload, 0, payload.length);
            }
        }
        return out.toByteArray();
    }

    /** A reading written by its entry's scheme: good, with a value of the entry's kind. */
    static boolean isPlain(TsTable.Entry entry, Sample s) {
        return s.quality().status() == Quality.Status.GOOD && s.quality().reason().isEmpty() && s.value() != null
                && TsKind.of(s.value()) == entry.kind() && entry.kind() != TsKind.NULL;
    }

    /** Dense (a count for every entry) or sparse (the present entries' index gaps), whichever is shorter. */
    private static void writePresence(BitWriter w, int[] counts) {
        long dense = 0;
        long sparse = 0;
        int present = 0;
        int prev = -1;
        for (int e = 0; e < counts.length; e++) {
            dense += countLength(counts[e]);
            if (counts[e] > 0) {
                sparse += TsCode.length(e - prev - 1) + countLength(counts[e]);
                prev = e;
                present++;
            }
        }
        sparse += TsCode.length(present);
        if (dense <= sparse) {
            w.bit(false);
            for (int c : counts) {
                writeCount(w, c);
            }
        } else {
            w.bit(true);
            w.u(present);
            prev = -1;
            for (int e = 0; e < counts.length; e++) {
                if (counts[e] > 0) {
                    w.u(e - prev - 1);
                    writeCount(w, counts[e]);
                    prev = e;
                }
            }
        }
    }

    static int countLength(int c) {
        return c == 1 ? 1 : 1 + TsCode.length(c == 0 ? 0 : c - 1);
    }

    private static void writeCount(BitWriter w, int c) {
        if (c == 1) {
            w.bit(true);
        } else {
            w.bit(false);
            w.u(c == 0 ? 0 : c - 1);
        }
    }

    /** Per point: its first time against the previous point's first, then delta-of-delta. */
    private static void writeTimes(BitWriter w, int[] counts, int[] start, Sample[] ordered, long base) {
        long prevFirst = base;
        long interval = 0;
        for (int e = 0; e < counts.length; e++) {
            if (counts[e] == 0) {
                continue;
            }
            long t = ordered[start[e]].sourceMillis();
            w.s(t - prevFirst);
            prevFirst = t;
            for (int i = start[e] + 1; i < start[e + 1]; i++) {
                long next = ordered[i].sourceMillis();
                long delta = next - t;
                w.s(delta - interval);
                interval = delta;
                t = next;
            }
        }
    }

    /** Run lengths of plain and not plain readings, alternating, starting with plain (a first run may be 0). */
    private static void writeRuns(BitWriter w, boolean[] plain) {
        int i = 0;
        boolean state = true;
        while (i < plain.length) {
            int run = 0;
            while (i < plain.length && plain[i] == state) {
                run++;
                i++;
            }
            w.u(run);
            state = !state;
        }
    }

    private static void writeValues(BitWriter w, TsTable.Entry entry, Sample[] ordered, boolean[] plain, int from, int to) {
        Value ref = entry.reference();
        long prev = switch (entry.kind()) {
            case TsKind.INT -> ((Value.Int) ref).value();
            case TsKind.UINT64 -> ((Value.UInt64) ref).bits();
            case TsKind.FLOAT64, TsKind.FLOAT32 -> entry.scheme() == TsTable.XOR
                    ? TsFloats.bits(((Value.Real) ref).value(), entry.kind() == TsKind.FLOAT32)
                    : ((Value.Int) ref).value();
            default -> 0;
        };
        String prevText = entry.kind() == TsKind.TEXT ? ((Value.Text) ref).value() : null;
        boolean single = entry.kind() == TsKind.FLOAT32;
        for (int i = from; i < to; i++) {
            Sample s = ordered[i];
            if (!plain[i]) {
                w.bits(s.quality().status().ordinal(), 2);
                TsKind.text(w, s.quality().reason());
                TsKind.writeRaw(w, s.value());
                continue;
            }
            Value v = s.value();
            switch (entry.kind()) {
                case TsKind.BOOL -> w.bit(((Value.Bool) v).value());
                case TsKind.INT -> {
                    long x = ((Value.Int) v).value();
                    TsCode.writeRice(w, TsCode.zigzag(x - prev), entry.rice());
                    prev = x;
                }
                case TsKind.UINT64 -> {
                    long x = ((Value.UInt64) v).bits();
                    TsCode.writeRice(w, TsCode.zigzag(x - prev), entry.rice());
                    prev = x;
                }
                case TsKind.TEXT -> {
                    String x = ((Value.Text) v).value();
                    if (x.equals(prevText)) {
                        w.bit(false);
                    } else {
                        w.bit(true);
                        TsKind.text(w, x);
                        prevText = x;
                    }
                }
                case TsKind.FLOAT64, TsKind.FLOAT32 -> {
                    double x = ((Value.Real) v).value();
                    if (entry.scheme() == TsTable.XOR) {
                        long b = TsFloats.bits(x, single);
                        TsFloats.writeXor(w, b, prev, single);
                        prev = b;
                    } else {
                        long m = TsFloats.scaled(x, entry.scheme(), single);
                        TsCode.writeRice(w, TsFloats.decimalCode(m, prev), entry.rice());
                        if (m == TsFloats.NONE) {
                            w.bits(TsFloats.bits(x, single), single ? 32 : 64);
                        } else {
                            prev = m;
                        }
                    }
                }
                default -> TsKind.writeRaw(w, v); // ARRAY: no prediction
            }
        }
    }
}
