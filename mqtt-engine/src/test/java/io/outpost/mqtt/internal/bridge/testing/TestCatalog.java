package io.outpost.mqtt.internal.bridge.testing;

import io.outpost.core.config.BackoffConfig;
import io.outpost.core.config.CommandRoute;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.config.Publication;
import io.outpost.core.config.ReportPolicy;
import io.outpost.core.config.Scaling;
import io.outpost.core.point.DataType;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.api.PointCatalog;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Devices, points, latest values and states as the core would report them; tests change them as they go. */
public final class TestCatalog implements PointCatalog {

    private final List<DeviceConfig> devices = new CopyOnWriteArrayList<>();
    private final Map<PointRef, Sample> latest = new ConcurrentHashMap<>();
    private final Map<String, DeviceStatus> states = new ConcurrentHashMap<>();

    /** A device with points {@code id:type}; a point named {@code setpoint} is writable. */
    public TestCatalog device(String site, String id, String... points) {
        List<PointConfig> configs = new java.util.ArrayList<>();
        for (String p : points) {
            String[] parts = p.split(":");
            String topic = site + "/" + id + "/" + parts[0];
            CommandRoute command = parts[0].equals("setpoint") ? new CommandRoute(topic + "/set", topic + "/set/result") : null;
            configs.add(new PointConfig(new PointRef(id, parts[0]), DataType.fromConfigName(parts[1]).orElseThrow(),
                    parts[0].equals("flow") ? "m3/h" : "", "", Duration.ofSeconds(1), ReportPolicy.ON_CHANGE,
                    new Scaling(1, 0), null, new Publication(topic, 1, true, "json"), command, null, null));
        }
        devices.add(new DeviceConfig(id, "test", true, Duration.ofSeconds(1), Duration.ofSeconds(1), BackoffConfig.DEFAULT,
                site + "/" + id + "/_status", null, configs, null));
        states.put(id, DeviceStatus.online(Instant.now()));
        return this;
    }

    public void latest(Sample s) {
        latest.put(s.point(), s);
    }

    public void status(String device, DeviceStatus status) {
        states.put(device, status);
    }

    @Override
    public List<DeviceConfig> devices() {
        return List.copyOf(devices);
    }

    @Override
    public Optional<Sample> latest(PointRef point) {
        return Optional.ofNullable(latest.get(point));
    }

    @Override
    public Optional<DeviceStatus> status(String device) {
        return Optional.ofNullable(states.get(device));
    }
}
