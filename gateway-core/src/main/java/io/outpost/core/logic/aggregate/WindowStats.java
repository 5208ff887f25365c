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

    /** A closed window. NaN where there is no value to report (nothing known in the window). */
    record Result(long start, long end, double min, double max, double avg, double twa, double first, double last,
                  int count, double stddev, Quality.Status quality, int good, int uncertain, int bad, double coverage,
                  Double carry) {
    }
}
