package io.outpost.core.history;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.logic.ReadingObserver;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A compact history of every point, for the console's trends: the last hour in 30-second buckets and the last 24
 * hours in 5-minute buckets (min, max, mean, count, worst quality), one fixed-size file per device under
 * {@code <data-dir>/history/}, bounded in bytes whatever the poll rate (see {@link DeviceHistory}). Readings are
 * placed by the gateway's clock when they are accepted, so the windows are "the last hour" on the gateway even when
 * a device's own clock is off.
 *
 * <p>{@link #observe} runs on the devices' serial executors and costs a map lookup and two 16-byte updates of
 * mapped memory per reading (no allocation, no system call); {@link #trend} on any thread.
 */
public final class HistoryService implements ReadingObserver, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryService.class);

    private final Path dir;
    private final Clock clock;
    private volatile Map<String, DeviceHistory> devices = Map.of();

    public HistoryService(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** The default place in a data directory. */
    public static Path directoryIn(Path dataDir) {
        return dataDir.resolve("history");
    }

    /**
     * Opens the files of the configuration's enabled devices; a device whose points are the same keeps its history,
     * one whose points changed starts a new file (the old one stays as {@code <device>.hist.old}). Blocking (file
     * IO); call at start and after a reload.
     */
    public synchronized void configure(GatewayConfig config) {
        Map<String, DeviceHistory> previous = devices;
        Map<String, DeviceHistory> next = new HashMap<>();
        for (DeviceConfig d : config.devices()) {
            if (!d.enabled()) {
                continue;
            }
            List<String> ids = d.points().stream().map(PointConfig::id).toList();
            DeviceHistory running = previous.get(d.id());
            if (running != null && running.ids().equals(ids)) {
                next.put(d.id(), running);
                continue;
            }
            try {
                next.put(d.id(), DeviceHistory.open(dir.resolve(d.id() + ".hist"), ids));
            } catch (IOException | RuntimeException e) {
                LOG.error("device {}: no history (the console shows no trends for it): cannot open {}", d.id(),
                        dir.resolve(d.id() + ".hist"), e);
            }
        }
        devices = java.util.Collections.unmodifiableMap(next);
    }

    @Override
    public void observe(List<Sample> samples) {
        Map<String, DeviceHistory> current = devices;
        long seconds = clock.millis() / 1000;
        DeviceHistory h = null;
        String device = null;
        for (int i = 0; i < samples.size(); i++) {
            Sample s = samples.get(i);
            if (!s.point().device().equals(device)) {
                device = s.point().device();
                h = current.get(device);
            }
            if (h == null) {
                continue;
            }
            int column = h.column(s.point().point());
            if (column < 0) {
                continue;
            }
            Value v = s.value();
            double value = v != null && v.isNumeric() ? v.asDouble() : Double.NaN;
            int quality = switch (s.quality().status()) {
                case GOOD -> 1;
                case UNCERTAIN -> 2;
                case BAD -> 3;
            };
            h.add(column, seconds, value, quality);
        }
    }

    /** A point's buckets in the window ending now, oldest first; empty when the point has no history. */
    public List<TrendBucket> trend(PointRef point, TrendWindow window) {
        DeviceHistory h = devices.get(point.device());
        if (h == null) {
            return List.of();
        }
        int column = h.column(point.point());
        return column < 0 ? List.of() : h.read(column, window, clock.millis() / 1000);
    }

    /** The history file of a device, if it has one. */
    public Optional<Path> file(String deviceId) {
        return Optional.ofNullable(devices.get(deviceId)).map(DeviceHistory::file);
    }

    /** Forgets the mappings; the operating system writes back what is not on disk yet. */
    @Override
    public synchronized void close() {
        devices = Map.of();
    }

    /** Bytes of history on disk for a device of {@code points} points with ids of about {@code idLength} characters. */
    public static long bytesFor(int points, int idLength) {
        return DeviceHistory.fileSize(points, points * (idLength + 1));
    }

}
