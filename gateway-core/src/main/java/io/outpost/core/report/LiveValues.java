package io.outpost.core.report;

import io.outpost.core.config.PointConfig;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest reading of every point, reported or not, for the points table, the web console and the JSON API.
 * Written by the device pollers, read by anyone.
 */
public final class LiveValues {

    /** A point's latest reading and when a reading of it was last reported (published). */
    public record Live(PointConfig point, Sample latest, Instant lastReported) {
    }

    private final ConcurrentHashMap<PointRef, Live> values = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<PointRef, Map<String, String>> metadata = new ConcurrentHashMap<>();

    public void update(PointConfig point, Sample sample, boolean reported) {
        values.compute(point.ref(), (ref, old) -> new Live(point, sample,
                reported ? sample.sourceTime() : old == null ? null : old.lastReported()));
    }

    public Optional<Live> get(PointRef ref) {
        return Optional.ofNullable(values.get(ref));
    }

    public Collection<Live> all() {
        return Collections.unmodifiableCollection(values.values());
    }

    /** Records what the device says about a point (see {@code AdapterContext.describe}). */
    public void describe(PointRef ref, Map<String, String> pointMetadata) {
        metadata.put(ref, Map.copyOf(pointMetadata));
    }

    /** What the device said about a point: {@code unit} and protocol-specific keys; empty when nothing. */
    public Map<String, String> metadata(PointRef ref) {
        return metadata.getOrDefault(ref, Map.of());
    }

    /** Forgets a removed device's points. */
    public void removeDevice(String deviceId) {
        values.keySet().removeIf(ref -> ref.device().equals(deviceId));
        metadata.keySet().removeIf(ref -> ref.device().equals(deviceId));
    }
}
