package io.outpost.mqtt.internal.bridge.batch;

import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The point tables of one {@code ts-batch} topic: the current one, the ones before it that batches still in flight
 * may name, and each point's few latest values (the next table's reference, and what its float scheme and Rice
 * parameter are fitted on). A new table is made when a batch has a point the table lacks or a value of another kind;
 * when the first table was made on too little history ({@link #PROVISIONAL_MILLIS} later); and when the references
 * have drifted: readings cost a quarter more bits than with the table's first batch and the table is at least
 * {@link #MIN_AGE_MILLIS} old, or it is {@link #MAX_AGE_MILLIS} old. Confined to the upstream's thread.
 */
final class TsTopic {

    static final long PROVISIONAL_MILLIS = 10_000L;
    static final long MIN_AGE_MILLIS = 60_000L;
    static final long MAX_AGE_MILLIS = 60 * 60_000L;
    /** Tables kept (announced on each connection) per topic; older ones are cleared from the server. */
    static final int KEPT = 16;
    /** Values kept per point to fit the next table on. */
    static final int HISTORY = 6;

    private final ArrayDeque<TsTable> tables = new ArrayDeque<>();
    private final Map<PointRef, ArrayDeque<Value>> recent = new HashMap<>();
    private long createdAt;
    private boolean provisional;
    private double baselineBits = Double.NaN;
    private double lastBits = Double.NaN;

    TsTable current() {
        return tables.peekLast();
    }

    /** Tables a batch in flight may still name, oldest first. */
    List<TsTable> kept() {
        return List.copyOf(tables);
    }

    /**
     * The table to encode {@code samples} with, made anew when needed.
     *
     * @param retired receives a table that is no longer kept
     */
    TsTable tableFor(List<Sample> samples, long nowMillis, List<TsTable> retired) {
        TsTable t = current();
        if (t != null && fits(t, samples) && !due(nowMillis)) {
            return t;
        }
        TsTable next = make(t, samples);
        if (t == null || next.id() != t.id()) {
            tables.addLast(next);
            while (tables.size() > KEPT) {
                retired.add(tables.pollFirst());
            }
        }
        createdAt = nowMillis;
        baselineBits = Double.NaN;
        return next;
    }

    /** A batch was encoded: its values join the history; what it cost feeds the drift rule. */
    void encoded(List<Sample> samples, int bytes) {
        for (Sample s : samples) {
            if (s.value() != null) {
                ArrayDeque<Value> values = recent.computeIfAbsent(s.point(), p -> new ArrayDeque<>(HISTORY));
                if (!values.isEmpty() && TsKind.of(values.peekLast()) != TsKind.of(s.value())) {
                    values.clear();
                }
                if (values.size() == HISTORY) {
                    values.pollFirst();
                }
                values.addLast(s.value());
            }
        }
        if (samples.isEmpty()) {
            return;
        }
        lastBits = bytes * 8.0 / samples.size();
        if (Double.isNaN(baselineBits)) {
            baselineBits = lastBits;
        }
    }

    private boolean due(long now) {
        long age = now - createdAt;
        return age >= MAX_AGE_MILLIS || (provisional && age >= PROVISIONAL_MILLIS)
                || (age >= MIN_AGE_MILLIS && lastBits > baselineBits * 1.25 + 1);
    }

    private static boolean fits(TsTable t, List<Sample> samples) {
        for (Sample s : samples) {
            int i = t.indexOf(s.point());
            if (i < 0 || (s.value() != null && TsKind.of(s.value()) != t.entries().get(i).kind())) {
                return false;
            }
        }
        return true;
    }

    private TsTable make(TsTable previous, List<Sample> samples) {
        Map<PointRef, List<Value>> inBatch = new LinkedHashMap<>();
        for (Sample s : samples) {
            List<Value> values = inBatch.computeIfAbsent(s.point(), p -> new ArrayList<>());
            if (s.value() != null) {
                values.add(s.value());
            }
        }
        List<PointRef> points = new ArrayList<>();
        if (previous != null) {
            previous.entries().forEach(e -> points.add(e.point()));
        }
        for (PointRef p : inBatch.keySet()) {
            if (previous == null || previous.indexOf(p) < 0) {
                points.add(p);
            }
        }
        provisional = false;
        List<TsTable.Entry> entries = new ArrayList<>(points.size());
        for (PointRef p : points) {
            List<Value> batch = inBatch.getOrDefault(p, List.of());
            List<Value> series = new ArrayList<>(recent.getOrDefault(p, new ArrayDeque<>()));
            if (!batch.isEmpty() && (series.isEmpty() || TsKind.of(series.get(series.size() - 1)) != TsKind.of(batch.get(0)))) {
                series.clear();
                series.add(batch.get(0));
            }
            Value ref = series.isEmpty() ? null : series.get(series.size() - 1);
            for (Value v : batch) {
                if (ref != null && TsKind.of(v) == TsKind.of(ref)) {
                    series.add(v);
                }
            }
            TsTable.Entry e = entry(p, ref, series);
            provisional |= e.usesRice() && series.size() < 4;
            entries.add(e);
        }
        return TsTable.of(entries);
    }

    /** The entry of a point whose reference is {@code ref}, fitted on {@code series} (which includes it). */
    static TsTable.Entry entry(PointRef p, Value ref, List<Value> series) {
        int kind = TsKind.of(ref);
        switch (kind) {
            case TsKind.FLOAT64, TsKind.FLOAT32 -> {
                boolean single = kind == TsKind.FLOAT32;
                List<Double> values = new ArrayList<>();
                series.forEach(v -> values.add(((Value.Real) v).value()));
                int[] choice = TsFloats.choose(values, single);
                double r = ((Value.Real) ref).value();
                return choice[0] == TsTable.XOR ? new TsTable.Entry(p, kind, TsTable.XOR, 0, ref)
                        : new TsTable.Entry(p, kind, choice[0], choice[1], Value.of(TsFloats.scaled(r, choice[0], single)));
            }
            case TsKind.INT, TsKind.UINT64 -> {
                long[] codes = new long[Math.max(0, series.size() - 1)];
                for (int i = 1; i < series.size(); i++) {
                    codes[i - 1] = TsCode.zigzag(bits(series.get(i)) - bits(series.get(i - 1)));
                }
                return new TsTable.Entry(p, kind, 0, TsCode.bestRice(codes), ref);
            }
            case TsKind.ARRAY -> {
                return new TsTable.Entry(p, kind, 0, 0, null);
            }
            default -> {
                return new TsTable.Entry(p, kind, 0, 0, ref);
            }
        }
    }

    private static long bits(Value v) {
        return v instanceof Value.Int i ? i.value() : ((Value.UInt64) v).bits();
    }
}
