package io.outpost.bench;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * End-to-end latencies in microseconds: 1 us buckets up to 100 ms, 100 us buckets up to 10 s, one overflow bucket.
 * Thread-safe (the load generator records from several event loops).
 */
public final class LatencyHistogram {

    private static final int FINE = 100_000;
    private static final int COARSE = 100_000;
    private final AtomicLongArray counts = new AtomicLongArray(FINE + COARSE + 1);

    public void record(long micros) {
        int bucket;
        if (micros < FINE) {
            bucket = (int) Math.max(0, micros);
        } else if (micros < FINE + (long) COARSE * 100) {
            bucket = FINE + (int) ((micros - FINE) / 100);
        } else {
            bucket = FINE + COARSE;
        }
        counts.incrementAndGet(bucket);
    }

    public long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The latency in microseconds below which {@code fraction} of the recorded values lie. */
    public long percentile(double fraction) {
        long total = count();
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return i < FINE ? i : FINE + (long) (i - FINE) * 100;
            }
        }
        return Long.MAX_VALUE;
    }

    public void reset() {
        for (int i = 0; i < counts.length(); i++) {
            counts.set(i, 0);
        }
    }
}
