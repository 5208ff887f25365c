package io.outpost.app.fleet;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.outpost.core.point.Sample;

/**
 * What the fleet agent needs of the gateway it runs in: the running configuration, loading and applying a new
 * one, and what the inventory reports. Implemented by the gateway process (and by the simulated gateways of the
 * fleet benchmark). Called on the agent's thread; {@link #apply} blocks until the reload is done.
 */
public interface FleetHost {

    /** The configuration in force. */
    GatewayConfig config();

    /**
     * Reads and validates a file exactly as {@code outpost validate} does.
     *
     * @throws ConfigException with every problem found
     */
    GatewayConfig load(Path file) throws ConfigException;

    /**
     * Applies a validated configuration through the transactional reload (only what changed restarts).
     *
     * @throws RuntimeException when the reload failed (the gateway keeps what it could)
     */
    void apply(GatewayConfig next);

    /** Every running device's status by id. */
    Map<String, DeviceStatus> devices();

    /** Every upstream's status (bridge), in configuration order. */
    List<UpstreamStatus> upstreams();

    /** The software version. */
    String version();

    /** The latest reading of a point, if the point runs. */
    default Optional<Sample> latest(String device, String point) {
        return Optional.empty();
    }
}
