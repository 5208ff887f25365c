package io.outpost.core.history;

import java.time.Duration;

/** The two views the console shows, each with its own ring of buckets. */
public enum TrendWindow {
    /** The last hour in 30-second buckets (120 of them). */
    HOUR(Duration.ofHours(1), 30),
    /** The last 24 hours in 5-minute buckets (288 of them). */
    DAY(Duration.ofDays(1), 300);

    private final Duration span;
    private final int bucketSeconds;

    TrendWindow(Duration span, int bucketSeconds) {
        this.span = span;
        this.bucketSeconds = bucketSeconds;
    }

    public Duration span() {
        return span;
    }

    public int bucketSeconds() {
        return bucketSeconds;
    }

    /** Buckets in the ring: the span, plus one so that the bucket in progress never overwrites the oldest shown. */
    int slots() {
        return (int) (span.getSeconds() / bucketSeconds) + 1;
    }
}
