package io.outpost.core.logic.aggregate;

import io.outpost.core.point.Quality;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;

/**
 * The statistics of one point over one window {@code [start, end)}. The point's value is a step signal: a reading
 * holds until the next one (report by exception publishes only changes, so a value that was not re-sent held), a
 * reading without a usable value (bad, or text) leaves a gap until the next usable one. A value known before the
 * window carries in from its start. Readings are taken in arrival order; a time before the previous reading's
 * (a late or skewed source clock) is taken as that reading's time, one after the end as the end.
 *
 * <p>Not thread-safe: one per point, on the aggregator's thread.
 */
final class WindowStats {

    private final long start;
    private final long end;

    private boolean hasCurrent;
    private double current;
    private long since;
    private boolean currentNoted;

    private boolean any;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private double first = Double.NaN;
    private double last = Double.NaN;
    private double integral;
    private long covered;

    private int count;
    private int good;
    private int uncertain;
    private int bad;
    private int usable;
    private double mean;
    private double m2;

    /** @param carried the value known at {@code from} (null when none), e.g. the last value of the previous window */
    WindowStats(long start, long end, Double carried, long from) {
        this.start = start;
        this.end = end;
        this.since = Math.max(start, Math.min(from, end));
        if (carried != null) {
            hasCurrent = true;
            current = carried;
        }
    }

    /**
     * Continues a window saved before a restart: everything it had seen up to the save counts, the time from the
     * save to {@code now} is a gap (nobody saw the point; the coverage shows it) until the next usable reading, or
     * from {@code now} on the value {@code carried} when one is known (a reload: the point's latest value holds).
     */
    static WindowStats restore(State s, long now, Double carried) {
        WindowStats w = new WindowStats(s.start(), s.end(), carried, s.since());
        w.since = Math.max(s.since(), Math.min(now, s.end()));
        // currentNoted stays false: the value held at the save is gone, a carried one is new
        w.any = s.any();
        w.min = s.min();
        w.max = s.max();
        w.first = s.first();
        w.last = s.last();
        w.integral = s.integral();
        w.covered = s.covered();
        w.count = s.count();
        w.good = s.good();
        w.uncertain = s.uncertain();
        w.bad = s.bad();
        w.usable = s.usable();
        w.mean = s.mean();
        w.m2 = s.m2();
        return w;
    }

    /** What to keep across a restart, counted up to {@code now}: the value held so far is taken into account. */
    State checkpoint(long now) {
        long t = Math.min(end, now);
        hold(t);
        since = Math.max(since, t);
        return new State(start, end, since, currentNoted, any, min, max, first, last, integral, covered, count, good,
                uncertain, bad, usable, mean, m2);
    }

    long start() {
        return start;
    }

    long end() {
        return end;
    }

    void add(Sample s) {
        long t = Math.min(end, Math.max(since, s.sourceMillis()));
        hold(t);
        count++;
        switch (s.quality().status()) {
            case GOOD -> good++;
            case UNCERTAIN -> uncertain++;
            case BAD -> bad++;
        }
        Value v = s.value();
        if (v != null && v.isNumeric() && s.quality().status() != Quality.Status.BAD && !Double.isNaN(v.asDouble())) {
            double x = v.asDouble();
            hasCurrent = true;
            current = x;
            currentNoted = true;
            note(x);
            usable++;
            // Welford: a running mean and sum of squares that stays exact enough over thousands of readings.
            double delta = x - mean;
            mean += delta / usable;
            m2 += delta * (x - mean);
        } else {
            hasCurrent = false;
        }
        since = t;
    }

    /** The value held from {@link #since} to {@code t}. */
    private void hold(long t) {
        if (hasCurrent && t > since) {
            if (!currentNoted) {
                note(current);
                currentNoted = true;
            }
            integral += current * (t - since);
            covered += t - since;
        }
    }

    private void note(double x) {
        if (!any) {
            first = x;
            any = true;
        }
        min = Math.min(min, x);
        max = Math.max(max, x);
        last = x;
    }

    /** Closes the window; the value to carry into the next is {@link Result#carry()}. */
    Result close() {
        hold(end);
        since = end;
        double coverage = end > start ? (double) covered / (end - start) : 0;
        Quality.Status quality = covered == 0 ? Quality.Status.BAD
                : covered < end - start || uncertain > 0 || bad > 0 ? Quality.Status.UNCERTAIN : Quality.Status.GOOD;
        return new Result(start, end, any ? min : Double.NaN, any ? max : Double.NaN,
                usable > 0 ? mean : Double.NaN, covered > 0 ? integral / covered : Double.NaN,
                first, last, count, usable > 0 ? Math.sqrt(m2 / usable) : Double.NaN,
                quality, good, uncertain, bad, coverage, hasCurrent ? current : null);
    }

    /**
     * The running state of a window, as kept across a restart ({@link AggregateStateFile}). {@code since} is the time
     * up to which it is counted; the value held then is not kept (the gateway did not see the point while it was down).
     */
    record State(long start, long end, long since, boolean currentNoted, boolean any, double min, double max,
                 double first, double last, double integral, long covered, int count, int good, int uncertain, int bad,
                 int usable, double mean, double m2) {
    }

    /** A closed window. NaN where there is no value to report (nothing known in the window). */
    record Result(long start, long end, double min, double max, double avg, double twa, double first, double last,
                  int count, double stddev, Quality.Status quality, int good, int uncertain, int bad, double coverage,
                  Double carry) {
    }
}
