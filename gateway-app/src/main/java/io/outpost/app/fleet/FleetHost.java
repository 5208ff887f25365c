package io.outpost.app.fleet;

import io.outpost.core.config.ConfigException;
import io.outpost.core.config.GatewayConfig;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.mqtt.bridge.health.UpstreamStatus;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.outpost.core.command.CommandPayload;
import io.outpost.core.command.CommandRouter;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.poll.SharedResources;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

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

    /**
     * Writes a point through the core's command path ({@link CommandRouter#write}: writable, conversion, type and
     * range checks, then the device). Completes when the device answered; never completes exceptionally.
     */
    default CompletionStage<CommandRouter.WriteOutcome> write(PointRef point, CommandPayload payload) {
        return CompletableFuture.completedFuture(new CommandRouter.WriteOutcome(point, true, "not-writable",
                "this gateway takes no writes"));
    }

    /**
     * Stops and starts a running device's adapter as a reload does for a changed device; returns at once (the
     * device's status says when it is back). False when no such device runs. May block while the old adapter stops.
     */
    default boolean restartDevice(String device) {
        return false;
    }

    /**
     * The resources the running devices share (the BACnet stack bound to its port), so that a command borrows the
     * one in use instead of binding the port a second time; a host without devices gives an empty set of its own.
     */
    default SharedResources shared() {
        return new SharedResources();
    }

    /** The last {@code max} lines of the gateway's log, oldest first; empty when no lines are kept. */
    default List<String> recentLog(int max) {
        return List.of();
    }
}
