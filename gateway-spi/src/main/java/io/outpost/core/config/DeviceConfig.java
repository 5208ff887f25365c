package io.outpost.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One configured device: a connection to a field device (or a serial line with several slaves) and its points.
 *
 * @param timeout     how long one read or write may take before the core gives up on it
 * @param statusTopic where the device's online/offline status is published (retained)
 * @param settings    the adapter's own record (host, port, security, ...)
 * @param location    where it was written; not part of equality
 */
public record DeviceConfig(
        String id,
        String protocol,
        boolean enabled,
        Duration pollInterval,
        Duration timeout,
        BackoffConfig backoff,
        String statusTopic,
        Object settings,
        List<PointConfig> points,
        SourceMark location) {

    public DeviceConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(pollInterval, "pollInterval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(backoff, "backoff");
        Objects.requireNonNull(statusTopic, "statusTopic");
        points = List.copyOf(points);
        location = location == null ? SourceMark.UNKNOWN : location;
    }

    public <T> T settings(Class<T> type) {
        return type.cast(settings);
    }

    public Optional<PointConfig> point(String pointId) {
        return points.stream().filter(p -> p.id().equals(pointId)).findFirst();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceConfig d && id.equals(d.id) && protocol.equals(d.protocol) && enabled == d.enabled
                && pollInterval.equals(d.pollInterval) && timeout.equals(d.timeout) && backoff.equals(d.backoff)
                && statusTopic.equals(d.statusTopic) && Objects.equals(settings, d.settings) && points.equals(d.points);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, protocol, pollInterval, settings, points);
    }
}
