package io.outpost.mqtt.bridge.batch;

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
 * may name, and the latest value of every point (the references of the next table). A new table is made when a batch
 * has a point the table lacks or a value of another kind, and when the references have drifted: readings cost a
 * quarter more bits than with the table's first batch and the table is at least {@link #MIN_AGE_MILLIS} old, or it is
 * {@link #MAX_AGE_MILLIS} old. Confined to the upstream's thread.
 */
final class TsTopic {

    static final long MIN_AGE_MILLIS = 5 * 60_000L;
    static final long MAX_AGE_MILLIS = 60 * 60_000L;
    /** Tables kept (announced on each connection) per topic; older ones are cleared from the server. */
    static final int KEPT = 16;

    private final ArrayDeque<TsTable> tables = new ArrayDeque<>();
    private final Map<PointRef, Value> latest = new HashMap<>();
    private long createdAt;
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
        if (t != null && fits(t, samples) && !drifted(nowMillis)) {
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

    /** What a batch cost: the drift rule compares it with the first batch of the table. */
    void encoded(List<Sample> samples, int bytes) {
        for (Sample s : samples) {
            if (s.value() != null) {
                latest.put(s.point(), s.value());
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

    private boolean drifted(long now) {
        long age = now - createdAt;
        return age >= MAX_AGE_MILLIS || (age >= MIN_AGE_MILLIS && lastBits > baselineBits * 1.25 + 1);
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
        List<TsTable.Entry> entries = new ArrayList<>(points.size());
        for (PointRef p : points) {
            List<Value> values = inBatch.getOrDefault(p, List.of());
            Value ref = latest.get(p);
            if (!values.isEmpty() && (ref == null || TsKind.of(ref) != TsKind.of(values.get(0)))) {
                ref = values.get(0);
            }
            entries.add(entry(p, ref, values));
        }
        return TsTable.of(entries);
    }

    static TsTable.Entry entry(PointRef p, Value ref, List<Value> values) {
        int kind = TsKind.of(ref);
        if (kind == TsKind.FLOAT64 || kind == TsKind.FLOAT32) {
            boolean single = kind == TsKind.FLOAT32;
            double r = ((Value.Real) ref).value();
            List<Double> next = new ArrayList<>();
            for (Value v : values) {
                if (TsKind.of(v) == kind) {
                    next.add(((Value.Real) v).value());
                }
            }
            int scheme = TsFloats.choose(r, next, single);
            return scheme == TsTable.XOR ? new TsTable.Entry(p, kind, scheme, ref)
                    : new TsTable.Entry(p, kind, scheme, Value.of(TsFloats.scaled(r, scheme, single)));
        }
        return new TsTable.Entry(p, kind, 0, kind == TsKind.ARRAY ? null : ref);
    }
}
