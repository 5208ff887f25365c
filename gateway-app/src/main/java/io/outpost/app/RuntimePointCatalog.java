package io.outpost.app;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.runtime.GatewayRuntime;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.api.PointCatalog;
import java.util.List;
import java.util.Optional;

/** The engine's view of a running core's devices and points, read live from the runtime. */
final class RuntimePointCatalog implements PointCatalog {

    private final GatewayRuntime runtime;

    RuntimePointCatalog(GatewayRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public List<DeviceConfig> devices() {
        List<String> running = runtime.deviceIds();
        return runtime.config().devices().stream().filter(d -> running.contains(d.id())).toList();
    }

    @Override
    public Optional<Sample> latest(PointRef point) {
        return runtime.values().get(point).map(live -> live.latest());
    }

    @Override
    public Optional<DeviceStatus> status(String device) {
        return Optional.ofNullable(runtime.statuses().get(device));
    }
}
