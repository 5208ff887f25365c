package io.outpost.mqtt.broker.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how often the broker saves persistent sessions (subscriptions, queued and in-flight QoS 1/2 messages)
 * and retained messages.
 *
 * @param directory {@code <gateway data-dir>/broker}
 * @param interval  how often changed state is written; a clean shutdown always writes
 */
public record PersistenceConfig(boolean enabled, Path directory, Duration interval) {

    public PersistenceConfig {
        if (enabled && (interval.isZero() || interval.isNegative())) {
            throw new IllegalArgumentException("persistence interval must be positive, found " + interval);
        }
    }
}
