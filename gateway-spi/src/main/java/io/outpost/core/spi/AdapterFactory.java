package io.outpost.core.spi;

import io.outpost.core.config.ConfigNode;
import io.outpost.core.config.ConfigProblems;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.point.DataType;

/**
 * The entry point of a protocol adapter, found with {@link java.util.ServiceLoader} through
 * {@code META-INF/services/io.outpost.core.spi.AdapterFactory}. Stateless: one instance serves every device of
 * its protocol and every config load.
 *
 * <p>Configuration: the core reads the keys every device and point have (id, protocol, poll-interval, topic,
 * type, deadband, ...) and hands the same YAML nodes to the factory for the protocol's own keys. Both readers'
 * keys count as known; anything else is reported as unknown. Parse methods run on the loading thread, report
 * mistakes through the node (never throw for bad input) and always return a record, using defaults where the
 * input was wrong, so that one load reports every mistake.
 *
 * @param <D> the adapter's device settings record (connection, defaults)
 * @param <P> the adapter's point settings record (address, ...)
 */
public interface AdapterFactory<D, P> {

    /** The {@code protocol:} value this adapter serves, e.g. {@code modbus}. */
    String protocol();

    Class<D> deviceSettingsType();

    Class<P> pointSettingsType();

    /** Reads the protocol's keys of a device node (typically a {@code connection:} mapping and device defaults). */
    D parseDevice(ConfigNode device);

    /**
     * Reads the protocol's keys of a point node.
     *
     * @param type the point's {@code type:}, or null when not given (the adapter reports it if it needs one)
     */
    P parsePoint(ConfigNode point, D device, DataType type);

    /** Checks that need every point of the device at once (overlapping addresses, limits); report to {@code problems}. */
    default void validateDevice(DeviceConfig device, ConfigProblems problems) {
    }

    /**
     * Creates the adapter of one device. Called on a core thread when the gateway starts or a reload adds the
     * device; must not block or connect (connect in {@link DeviceAdapter#start()} or lazily on the first read).
     */
    DeviceAdapter create(DeviceConfig device, AdapterContext context);
}
