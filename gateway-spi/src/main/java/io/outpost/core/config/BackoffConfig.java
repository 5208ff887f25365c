package io.outpost.core.config;

import java.time.Duration;

/**
 * Retry timing after a failed poll: the n-th consecutive failure waits {@code initial * multiplier^(n-1)}, capped at
 * {@code max}, spread by +/- {@code jitter} (a fraction) so that devices that failed together do not retry together.
 */
public record BackoffConfig(Duration initial, Duration max, double multiplier, double jitter) {

    public static final BackoffConfig DEFAULT = new BackoffConfig(Duration.ofSeconds(1), Duration.ofMinutes(1), 2.0, 0.2);

    public BackoffConfig {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial must be positive, found " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be at least initial (" + initial + "), found " + max);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be at least 1, found " + multiplier);
        }
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), found " + jitter);
        }
    }

    /** The un-jittered delay before attempt number {@code failures} (1 for the first retry). */
    public Duration baseDelay(int failures) {
        double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, failures - 1));
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }
}
