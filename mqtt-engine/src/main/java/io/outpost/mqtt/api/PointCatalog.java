package io.outpost.mqtt.api;

import io.outpost.core.config.DeviceConfig;
import io.outpost.core.point.PointRef;
import io.outpost.core.point.Sample;
import io.outpost.core.spi.DeviceStatus;
import java.util.List;
import java.util.Optional;

/**
 * What the core knows about its devices and points, for upstream modes that describe them (Sparkplug births list
 * every metric with its type and current value). Implementations are thread-safe and read live state; the
 * application gives the engine the running core's catalogue, so the engine knows no core internals.
 */
public interface PointCatalog {

    /** The running devices with their points, in configuration order. */
    List<DeviceConfig> devices();

    /** A point's latest reading, reported or not. */
    Optional<Sample> latest(PointRef point);

    /** A device's connection state, or empty when it is not running. */
    Optional<DeviceStatus> status(String device);
}
