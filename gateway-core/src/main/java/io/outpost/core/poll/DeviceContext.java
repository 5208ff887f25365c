package io.outpost.core.poll;

import io.micrometer.core.instrument.MeterRegistry;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.GatewayIdentity;
import io.outpost.core.point.Sample;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceStatus;
import io.outpost.core.time.TaskScheduler;
import java.util.concurrent.Executor;

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
    private volatile DevicePoller poller;

    public DeviceContext(DeviceConfig device, GatewayIdentity gateway, TaskScheduler scheduler, Executor ioExecutor,
                         MeterRegistry meters) {
        this.device = device;
        this.gateway = gateway;
        this.scheduler = scheduler;
        this.ioExecutor = ioExecutor;
        this.meters = meters;
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
    public void reportStatus(DeviceStatus status) {
        attached().reportStatus(status);
    }

    private DevicePoller attached() {
        DevicePoller p = poller;
        if (p == null) {
            throw new IllegalStateException("device " + device.id() + ": the adapter called its context before start()");
        }
        return p;
    }
}
