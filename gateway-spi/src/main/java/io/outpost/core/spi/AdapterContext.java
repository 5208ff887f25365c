package io.outpost.core.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.point.Sample;
import io.outpost.core.time.TaskScheduler;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** What the core gives an adapter: time, threads, metrics and the way back in for pushed values and status. */
public interface AdapterContext {

    DeviceConfig device();

    GatewayIdentity gateway();

    /** Time and timers; timer tasks must not block. */
    TaskScheduler scheduler();

    /**
     * This device's executor for blocking calls (j2mod, bacnet4j, serial ports): one call at a time, in order (on
     * threads shared with other devices, so keep no thread-local state between calls). Its queue is bounded; a
     * rejected task means the device is far behind, and the read should fail.
     */
    Executor ioExecutor();

    /** Metrics registry; tag meters with {@code device}. */
    MeterRegistry meters();

    /**
     * Delivers a value the device reported by itself (a subscription, COV). Any thread; the core processes it in
     * order with reads of the same device.
     */
    void push(Sample sample);

    /**
     * Tells the core whether the adapter delivers a point by push ({@code true}: the core stops polling it) or the
     * core should poll it ({@code false}: the default, and the fallback when a subscription fails). Any thread.
     */
    void setPushed(String pointId, boolean pushed);

    /**
     * Tells the core what the device says about a point: engineering unit, the device's own name for it, state
     * texts, ... as {@code key -> text} (keys in lower-case-hyphen form, {@code unit} for the engineering unit).
     * Kept with the point's live value for the API and the console; a later call replaces the earlier map. Any
     * thread. The default does nothing, for contexts outside the core (test doubles).
     */
    default void describe(String pointId, Map<String, String> metadata) {
    }

    /** Reports the connection state (online, offline with a reason); any thread. */
    void reportStatus(DeviceStatus status);

    /**
     * A resource several devices share: a serial line with several slaves configured as separate devices, the
     * gateway's BACnet local device. The first device asking for {@code key} creates it with {@code create}; later
     * ones get the same instance; it is closed when the last device that asked for it stops. Keys are the
     * adapter's own, e.g. {@code modbus-serial:/dev/ttyUSB0}. Called from the adapter's factory or start().
     */
    <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> create);

    /** A top-level configuration section (see {@link io.outpost.core.config.ConfigSection}), e.g. {@code bacnet}. */
    <T> Optional<T> section(String key, Class<T> type);
}
