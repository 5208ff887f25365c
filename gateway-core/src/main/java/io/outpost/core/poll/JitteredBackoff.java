package io.outpost.core.poll;

import io.outpost.core.config.BackoffConfig;
import java.util.random.RandomGenerator;

/** Retry delays after consecutive failures: exponential, capped, spread by +/- jitter. */
final class JitteredBackoff {

    private final BackoffConfig config;
    private final RandomGenerator random;

    JitteredBackoff(BackoffConfig config, RandomGenerator random) {
        this.config = config;
        this.random = random;
    }

    long delayNanos(int failures) {
        double base = config.baseDelay(failures).toNanos();
        double spread = config.jitter() * (2 * random.nextDouble() - 1);
        return (long) (base * (1 + spread));
    }
}
