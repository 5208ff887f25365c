package io.outpost.core.spi;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.point.Sample;
import io.outpost.core.time.TaskScheduler;
import java.util.concurrent.Executor;

/** What the core gives an adapter: time, threads, metrics and the way back in for pushed values and status. */
public interface AdapterContext {

    DeviceConfig device();

    GatewayIdentity gateway();

    /** Time and timers; timer tasks must not block. */
    TaskScheduler scheduler();

    /**
     * A single-thread executor of this device for blocking calls (j2mod, bacnet4j, serial ports). Its queue is
     * bounded; a rejected task means the device is far behind, and the read should fail.
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

    /** Reports the connection state (online, offline with a reason); any thread. */
    void reportStatus(DeviceStatus status);
}
