package io.outpost.adapter.bacnet;

import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.constructed.PropertyValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import io.outpost.adapter.bacnet.config.BacnetDeviceSettings;
import io.outpost.adapter.bacnet.config.BacnetNetworkConfig;
import io.outpost.adapter.bacnet.config.BacnetPointSettings;
import io.outpost.adapter.bacnet.config.BacnetSection;
import io.outpost.adapter.bacnet.cov.CovSubscriptions;
import io.outpost.adapter.bacnet.read.PointDescriptions;
import io.outpost.adapter.bacnet.read.PointReading;
import io.outpost.adapter.bacnet.stack.BacnetPeer;
import io.outpost.adapter.bacnet.stack.BacnetRequestException;
import io.outpost.adapter.bacnet.stack.BacnetStack;
import io.outpost.adapter.bacnet.stack.PeerConnector;
import io.outpost.adapter.bacnet.stack.PeerListener;
import io.outpost.adapter.bacnet.stack.PropertyReader;
import io.outpost.adapter.bacnet.write.PointWriter;
import io.outpost.core.config.DeviceConfig;
import io.outpost.core.config.PointConfig;
import io.outpost.core.point.Sample;
import io.outpost.core.point.Value;
import io.outpost.core.spi.AdapterContext;
import io.outpost.core.spi.DeviceAdapter;
import io.outpost.core.spi.DeviceException;
import io.outpost.core.time.Cancellable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote BACnet device. Reads, writes, COV upkeep and restart checks all run on the device's IO thread, so the
 * blocking bacnet4j calls need no locks and never hold up a core thread or another device; COV notifications
 * arrive on bacnet4j's threads and only turn values into samples.
 *
 * <p>A device with COV points is checked every {@code cov-check-interval} (and at least four times per COV
 * lifetime): a read of its time-of-device-restart tells that it is alive and whether it restarted; subscriptions
 * are renewed at half their lifetime and made again after a restart, an I-Am, a restart notification or an
 * outage.
 */
final class BacnetDeviceAdapter implements DeviceAdapter, PeerListener {

    private static final Logger LOG = LoggerFactory.getLogger(BacnetDeviceAdapter.class);
    /** Key of the gateway's local BACnet device among the shared resources. */
    static final String STACK_KEY = BacnetStack.SHARED_KEY;

    private final DeviceConfig device;
    private final BacnetDeviceSettings settings;
    private final AdapterContext context;
    private final BacnetNetworkConfig network;
    private BacnetStack stack;
    private DeviceSession session;
    private PointReading reading;
    private PointDescriptions descriptions;
    private BacnetPeer described;
    private PointWriter writer;
    private CovSubscriptions covs;
    private long processId;
    private boolean covsLost;
    private volatile Cancellable checkTimer = Cancellable.NONE;
    private volatile boolean closed;

    BacnetDeviceAdapter(DeviceConfig device, AdapterContext context) {
        this.device = device;
        this.settings = device.settings(BacnetDeviceSettings.class);
        this.context = context;
        this.network = context.section(BacnetSection.KEY, BacnetNetworkConfig.class)
                .orElseThrow(() -> new IllegalStateException("the bacnet section was not loaded"));
    }

    @Override
    public void start() {
        stack = context.shared(STACK_KEY, BacnetStack.class, () -> new BacnetStack(network));
        PropertyReader reader = new PropertyReader(stack);
        session = new DeviceSession(device.id(), settings, stack, new PeerConnector(stack, reader));
        reading = new PointReading(reader, settings.readStatusFlags(), context.scheduler().clock());
        descriptions = new PointDescriptions(reader);
        writer = new PointWriter(stack);
        covs = new CovSubscriptions(device.id(), settings, device.points(), context, stack, reading);
        if (!covs.isEmpty()) {
            processId = stack.register(device.id(), settings.deviceInstance(), this);
            covs.setProcessId(processId);
            runCheck(false);
        }
    }

    @Override
    public CompletionStage<List<Sample>> read(List<PointConfig> points) {
        return onIo(() -> {
            List<Sample> samples = reading.read(peer(), points);
            if (covsLost) {
                // The device is back before the next check: bring its subscriptions back now.
                covsLost = false;
                runCheck(true);
            }
            return samples;
        });
    }

    @Override
    public CompletionStage<Void> write(PointConfig point, Value value) {
        return onIo(() -> {
            writer.write(peer(), point.settings(BacnetPointSettings.class), value);
            return null;
        });
    }

    @Override
    public CompletionStage<Void> relinquish(PointConfig point) {
        return onIo(() -> {
            writer.relinquish(peer(), point.settings(BacnetPointSettings.class));
            return null;
        });
    }

    @Override
    public void covNotification(Address source, ObjectIdentifier object, SequenceOf<PropertyValue> values) {
        covs.notification(source, object, values);
    }

    @Override
    public void announced(String how) {
        LOG.debug("device {}: {} from {}; renewing its COV subscriptions", device.id(), how, settings.describe());
        runCheck(true);
    }

    /** The connected device; after each (re)connection, first tells the core what the device says about the points. */
    private BacnetPeer peer() throws DeviceException {
        BacnetPeer peer = session.peer();
        if (peer != described) {
            descriptions.read(peer, device.points()).forEach(context::describe);
            described = peer;
        }
        return peer;
    }

    /** Checks the device and keeps its subscriptions, on the IO thread, then schedules the next check. */
    private void runCheck(boolean resubscribe) {
        try {
            context.ioExecutor().execute(() -> check(resubscribe));
        } catch (RejectedExecutionException e) {
            LOG.warn("device {}: IO queue full, COV check postponed", device.id());
            scheduleCheck();
        }
    }

    private void check(boolean resubscribe) {
        if (closed) {
            return;
        }
        try {
            DeviceSession.Health health = session.check();
            if (resubscribe || health != DeviceSession.Health.SAME) {
                covs.resubscribeAll(peer());
            } else {
                covs.maintain(peer());
            }
            covsLost = false;
        } catch (DeviceException e) {
            failed(e);
        } finally {
            scheduleCheck();
        }
    }

    private void scheduleCheck() {
        if (closed) {
            return;
        }
        Duration quarterLifetime = settings.covLifetime().dividedBy(4);
        Duration every = settings.covCheckInterval().compareTo(quarterLifetime) < 0 ? settings.covCheckInterval() : quarterLifetime;
        checkTimer.cancel();
        checkTimer = context.scheduler().schedule(every, () -> runCheck(false));
    }

    /** A request failed: a device that did not answer loses its connection and its COV points go back to polling. */
    private void failed(DeviceException e) {
        session.failed(e);
        boolean answered = e instanceof BacnetRequestException bre && bre.deviceAnswered();
        if (!answered && !covs.isEmpty()) {
            covs.lost();
            covsLost = true;
        }
    }

    @Override
    public void close() {
        closed = true;
        checkTimer.cancel();
        if (stack == null) {
            return;
        }
        if (!covs.isEmpty()) {
            stack.unregister(settings.deviceInstance(), processId);
            try {
                // Cancelling is fire-and-forget; wait only for it to be queued behind a read in progress.
                CompletableFuture.runAsync(() -> session.peerIfConnected().ifPresent(covs::cancel), context.ioExecutor())
                        .get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // The subscriptions then simply expire on the device after their lifetime.
                LOG.debug("device {}: COV subscriptions not cancelled: {}", device.id(), e.toString());
            }
        }
    }

    /** Blocking work of this device, on its IO thread; a failure is also a verdict on the connection. */
    private <T> CompletionStage<T> onIo(IoTask<T> task) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return task.run();
                } catch (DeviceException e) {
                    failed(e);
                    throw new CompletionException(e);
                }
            }, context.ioExecutor());
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new DeviceException("busy",
                    "device " + device.id() + " has too many requests waiting", e));
        }
    }

    @FunctionalInterface
    private interface IoTask<T> {
        T run() throws DeviceException;
    }
}
