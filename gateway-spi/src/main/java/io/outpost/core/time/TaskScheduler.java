package io.outpost.core.time;

import java.time.Clock;
import java.time.Duration;

/**
 * Time for the core and its adapters, injected so that tests control it. Intervals are measured on the monotonic
 * {@link #nanoTime()} line, so a wall clock that jumps (NTP after a cold boot on a site without an RTC) does not
 * bunch or stall polls; {@link #clock()} gives the wall time stamped on readings.
 */
public interface TaskScheduler {

    /** Wall-clock time, for source timestamps. */
    Clock clock();

    /** Monotonic time in nanoseconds, for intervals and deadlines. */
    long nanoTime();

    /**
     * Runs {@code task} once after {@code delayNanos}. Tasks run on the scheduler's own thread(s) and must not
     * block; hand blocking work to an IO executor.
     */
    Cancellable schedule(long delayNanos, Runnable task);

    default Cancellable schedule(Duration delay, Runnable task) {
        return schedule(delay.toNanos(), task);
    }
}
