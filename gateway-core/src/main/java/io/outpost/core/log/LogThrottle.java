package io.outpost.core.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets a repeated warning through once per interval per key and counts what it held back, so that a days-long
 * outage or a full store logs a line a minute instead of one per message. Thread-safe.
 */
public final class LogThrottle {

    private final long intervalNanos;
    private final ConcurrentHashMap<String, long[]> last = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> held = new ConcurrentHashMap<>();

    public LogThrottle(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /**
     * Returns -1 when the line must be held back, else how many were held back since the last one (0 or more).
     */
    public long pass(String key, long nowNanos) {
        long[] at = last.computeIfAbsent(key, k -> new long[] {Long.MIN_VALUE});
        synchronized (at) {
            if (at[0] != Long.MIN_VALUE && nowNanos - at[0] < intervalNanos) {
                held.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
                return -1;
            }
            at[0] = nowNanos;
        }
        AtomicLong h = held.get(key);
        return h == null ? 0 : h.getAndSet(0);
    }
}
