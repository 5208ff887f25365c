package io.outpost.core.report;

import io.outpost.core.point.PointRef;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live table: every running point's {@link PointState}, for the points table, the web console, the JSON API and
 * the Sparkplug births. Points are added and removed with their devices; a reading only writes its point's state,
 * so updating the table takes no lock and allocates nothing. Read from any thread.
 */
public final class LiveValues {

    private final ConcurrentHashMap<PointRef, PointState> points = new ConcurrentHashMap<>();

    public Optional<PointState> get(PointRef ref) {
        return Optional.ofNullable(points.get(ref));
    }

    public Collection<PointState> all() {
        return Collections.unmodifiableCollection(points.values());
    }

    /** What the device said about a point: {@code unit} and protocol-specific keys; empty when nothing. */
    public Map<String, String> metadata(PointRef ref) {
        PointState s = points.get(ref);
        return s == null ? Map.of() : s.metadata();
    }

    /** Adds a started device's points (replacing those of an earlier run of the same device). */
    public void addDevice(String deviceId, List<PointState> states) {
        removeDevice(deviceId);
        states.forEach(s -> points.put(s.ref(), s));
    }

    /** Forgets a removed device's points. */
    public void removeDevice(String deviceId) {
        points.keySet().removeIf(ref -> ref.device().equals(deviceId));
    }
}
