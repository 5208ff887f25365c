package io.outpost.mqtt.internal.broker.protocol;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs a kind of event at most once per interval, with the number of events left out since the last line, so that
 * a client hammering the broker with garbage cannot flood the journal. Thread-safe.
 */
public final class RateLimitedLog {

    private final Logger log;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextAllowed = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    public RateLimitedLog(Logger log, long intervalNanos, LongSupplier nanoTime) {
        this.log = log;
        this.intervalNanos = intervalNanos;
        this.nanoTime = nanoTime;
    }

    /** Logs a warning now, or counts it when one was logged within the interval. */
    public void warn(String format, Object... args) {
        long now = nanoTime.getAsLong();
        long next = nextAllowed.get();
        if ((next == Long.MIN_VALUE || now - next >= 0) && nextAllowed.compareAndSet(next, now + intervalNanos)) {
            long left = suppressed.getAndSet(0);
            if (left > 0) {
                log.warn("({} similar events not logged in the last {} s)", left, intervalNanos / 1_000_000_000L);
            }
            log.warn(format, args);
        } else {
            suppressed.incrementAndGet();
        }
    }
}
