package io.outpost.core.config;

import java.time.Duration;

/**
 * Reads a {@code backoff: {initial, max, multiplier, jitter}} mapping (device retries, upstream reconnects), reporting
 * mistakes through the node and returning the defaults for a wrong mapping.
 */
public final class BackoffReader {

    private BackoffReader() {
    }

    public static BackoffConfig read(ConfigNode node, BackoffConfig defaults, Duration minInitial) {
        Duration initial = node.duration("initial", defaults.initial(), minInitial, Duration.ofHours(1));
        Duration max = node.duration("max", defaults.max(), minInitial, Duration.ofDays(1));
        double multiplier = node.number("multiplier", defaults.multiplier());
        double jitter = node.number("jitter", defaults.jitter());
        node.rejectUnknownKeys();
        if (max.compareTo(initial) < 0) {
            node.error("max", "must be at least initial (" + Durations.format(initial) + ")");
            return defaults;
        }
        if (multiplier < 1 || multiplier > 10) {
            node.error("multiplier", "must be between 1 and 10, found " + multiplier);
            return defaults;
        }
        if (jitter < 0 || jitter >= 1) {
            node.error("jitter", "must be a fraction from 0 up to (not including) 1, found " + jitter);
            return defaults;
        }
        return new BackoffConfig(initial, max, multiplier, jitter);
    }
}
