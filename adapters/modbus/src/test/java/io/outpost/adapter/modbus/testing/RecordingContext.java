package io.outpost.adapter.modbus.testing;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.point.Sample;
import io.outpost.core.poll.SharedResources;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.core.testing.ManualScheduler;
import io.outpost.core.time.TaskScheduler;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * An adapter context for driving one adapter directly, without the core's poller: a real IO thread, a manual
 * clock for timestamps, statuses recorded. Shared resources can be shared with other contexts (devices on one line).
 */
public final class RecordingContext implements AdapterContext, AutoCloseable {

    private final DeviceConfig device;
    private final SharedResources shared;
    private final ManualScheduler scheduler = new ManualScheduler();
    private final ExecutorService io;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<DeviceStatus> statuses = new CopyOnWriteArrayList<>();
    private final List<String> sharedKeys = new CopyOnWriteArrayList<>();

    public RecordingContext(DeviceConfig device, SharedResources shared) {
        this.device = device;
        this.shared = shared;
        this.io = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "test-io-" + device.id());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public DeviceConfig device() {
        return device;
    }

    @Override
    public GatewayIdentity gateway() {
        return new GatewayIdentity("test-gw", "test-site", Path.of("/tmp/outpost-modbus-test"));
    }

    @Override
    public TaskScheduler scheduler() {
        return scheduler;
    }

    @Override
    public ExecutorService ioExecutor() {
        return io;
    }

    @Override
    public MeterRegistry meters() {
        return meters;
    }

    @Override
    public void push(Sample sample) {
        throw new UnsupportedOperationException("Modbus does not push");
    }

    @Override
    public void setPushed(String pointId, boolean pushed) {
        throw new UnsupportedOperationException("Modbus does not push");
    }

    @Override
    public void reportStatus(DeviceStatus status) {
        statuses.add(status);
    }

    /** The resources this context shares, for a second device on the same line. */
    public SharedResources sharedResources() {
        return shared;
    }

    public List<DeviceStatus> statuses() {
        return List.copyOf(statuses);
    }

    @Override
    public <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> create) {
        sharedKeys.add(key);
        return shared.acquire(key, type, create);
    }

    @Override
    public <T> Optional<T> section(String key, Class<T> type) {
        return Optional.empty();
    }

    /** Releases shared resources and stops the IO thread; call after closing the adapter. */
    @Override
    public void close() {
        sharedKeys.forEach(shared::release);
        io.shutdownNow();
        try {
            io.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
