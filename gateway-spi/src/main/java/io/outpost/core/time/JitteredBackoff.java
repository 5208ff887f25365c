package io.outpost.core.time;

import io.outpost.core.config.BackoffConfig;
import java.util.random.RandomGenerator;

/**
 * Retry delays after consecutive failures: exponential, capped, spread by +/- jitter. Stateless apart from the
 * random source; used by device polling and by the MQTT bridge's reconnects.
 */
public final class JitteredBackoff {

    private final BackoffConfig config;
    private final RandomGenerator random;

    public JitteredBackoff(BackoffConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    /** The delay before retry number {@code failures} (1 for the first retry). */
    public long delayNanos(int failures) {
        double base = config.baseDelay(failures).toNanos();
        double spread = config.jitter() * (2 * random.nextDouble() - 1);
        return (long) (base * (1 + spread));
    }
}
