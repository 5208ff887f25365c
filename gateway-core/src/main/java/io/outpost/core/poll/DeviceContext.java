package io.outpost.core.poll;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.point.Sample;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.core.time.TaskScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The {@link AdapterContext} of one device. The poller is attached after the adapter is created (the adapter
 * needs the context first); an adapter must not push before {@code start()}.
 */
public final class DeviceContext implements AdapterContext {

    private final DeviceConfig device;
    private final GatewayIdentity gateway;
    private final TaskScheduler scheduler;
    private final Executor ioExecutor;
    private final MeterRegistry meters;
    private final SharedResources shared;
    private final Map<String, Object> sections;
    private final List<String> sharedKeys = new ArrayList<>();
    private volatile DevicePoller poller;

    public DeviceContext(DeviceConfig device, GatewayIdentity gateway, TaskScheduler scheduler, Executor ioExecutor,
                         MeterRegistry meters, SharedResources shared, Map<String, Object> sections) {
        this.device = device;
        this.gateway = gateway;
        this.scheduler = scheduler;
        this.ioExecutor = ioExecutor;
        this.meters = meters;
        this.shared = shared;
        this.sections = sections;
    }

    /** Releases every shared resource this device acquired; called after the adapter closed. */
    public void releaseShared() {
        List<String> keys;
        synchronized (sharedKeys) {
            keys = List.copyOf(sharedKeys);
            sharedKeys.clear();
        }
        keys.forEach(shared::release);
    }

    public void attach(DevicePoller poller) {
        this.poller = poller;
    }

    @Override
    public DeviceConfig device() {
        return device;
    }

    @Override
    public GatewayIdentity gateway() {
        return gateway;
    }

    @Override
    public TaskScheduler scheduler() {
        return scheduler;
    }

    @Override
    public Executor ioExecutor() {
        return ioExecutor;
    }

    @Override
    public MeterRegistry meters() {
        return meters;
    }

    @Override
    public void push(Sample sample) {
        attached().push(sample);
    }

    @Override
    public void setPushed(String pointId, boolean pushed) {
        attached().setPushed(pointId, pushed);
    }

    @Override
    public void describe(String pointId, Map<String, String> metadata) {
        attached().describe(pointId, metadata);
    }

    @Override
    public void reportStatus(DeviceStatus status) {
        attached().reportStatus(status);
    }

    @Override
    public <T extends AutoCloseable> T shared(String key, Class<T> type, Supplier<T> create) {
        T resource = shared.acquire(key, type, create);
        synchronized (sharedKeys) {
            sharedKeys.add(key);
        }
        return resource;
    }

    @Override
    public <T> Optional<T> section(String key, Class<T> type) {
        return Optional.ofNullable(sections.get(key)).map(type::cast);
    }

    private DevicePoller attached() {
        DevicePoller p = poller;
        if (p == null) {
            throw new IllegalStateException("device " + device.id() + ": the adapter called its context before start()");
        }
        return p;
    }
}
