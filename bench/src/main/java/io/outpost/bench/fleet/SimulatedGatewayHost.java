package io.outpost.bench.fleet;

import io.outpost.app.fleet.FleetHost;
import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.config.load.ConfigLoader;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.config.UpstreamsConfig;
import io.outpost.mqtt.bridge.config.UpstreamsSection;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The runtime under one simulated gateway of the fleet benchmark. What is real: the configuration is read and
 * validated by the gateway's own {@link ConfigLoader} (every adapter, section and payload format on the class path,
 * as {@code outpost validate} does), with {@code ${env:...}} taken from this gateway's own variables. What is
 * simulated: applying a configuration only makes it the one in force (no devices are polled, no bridge runs), every
 * configured device reports online and every upstream connected. Called on the fleet agent's thread; the
 * configuration is volatile for the harness's reads.
 */
final class SimulatedGatewayHost implements FleetHost {

    private final ConfigLoader loader;
    private final Instant started = Instant.now();
    private final AtomicInteger applied = new AtomicInteger();
    private volatile GatewayConfig config;

    SimulatedGatewayHost(ConfigLoader loader, Path file) throws ConfigException {
        this.loader = loader;
        this.config = loader.load(file);
    }

    @Override
    public GatewayConfig config() {
        return config;
    }

    @Override
    public GatewayConfig load(Path file) throws ConfigException {
        return loader.load(file);
    }

    @Override
    public void apply(GatewayConfig next) {
        config = next;
        applied.incrementAndGet();
    }

    /** How many configurations were applied (rollbacks included). */
    int applied() {
        return applied.get();
    }

    @Override
    public Map<String, DeviceStatus> devices() {
        Map<String, DeviceStatus> all = new LinkedHashMap<>();
        config.devices().forEach(d -> all.put(d.id(), DeviceStatus.online(started)));
        return all;
    }

    @Override
    public List<UpstreamStatus> upstreams() {
        List<io.outpost.mqtt.bridge.config.UpstreamConfig> configured = config
                .section(UpstreamsSection.KEY, UpstreamsConfig.class).map(UpstreamsConfig::upstreams).orElse(List.of());
        return configured.stream().map(u -> new UpstreamStatus(u.name(), "connected", u.servers().get(0).toString(),
                started.toEpochMilli(), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Double.POSITIVE_INFINITY,
                0, null, 0, 0, 0, Double.NaN, null)).toList();
    }

    @Override
    public String version() {
        return "simulated";
    }
}
