package io.outpost.adapter.bacnet.stack;

import com.serotonin.bacnet4j.LocalDevice;
import com.serotonin.bacnet4j.RemoteDevice;
import com.serotonin.bacnet4j.ResponseConsumerAdapter;
import com.serotonin.bacnet4j.event.DeviceEventAdapter;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.npdu.ip.IpNetwork;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkBuilder;
import com.serotonin.bacnet4j.obj.BACnetObject;
import com.serotonin.bacnet4j.service.Service;
import com.serotonin.bacnet4j.service.acknowledgement.AcknowledgementService;
import com.serotonin.bacnet4j.service.confirmed.ConfirmedRequestService;
import com.serotonin.bacnet4j.service.unconfirmed.WhoIsRequest;
import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.constructed.PropertyValue;
import com.serotonin.bacnet4j.type.constructed.SequenceOf;
import com.serotonin.bacnet4j.type.constructed.ServicesSupported;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import io.outpost.adapter.bacnet.config.BacnetNetworkConfig;
import io.outpost.core.point.Quality;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own BACnet/IP device, shared by every BACnet device of the configuration (one UDP socket, one
 * instance number on the network). It starts on first use and retries on the next use when the socket could not
 * be opened (port taken), routes COV notifications and announcements to the adapter that owns each subscription,
 * keeps a foreign-device registration with a BBMD alive, and sends confirmed requests.
 *
 * <p>Our device answers reads of its device object, Who-Is and Who-Has, and accepts COV notifications; it accepts
 * no writes, object creation, reinitialisation or communication control from the network: a gateway exposes no
 * points on BACnet, so nobody needs to change it.
 *
 * <p>Thread-safe. {@link #call} blocks the calling thread until the device answers or every retry timed out; call
 * it on a device's IO executor only.
 */
public final class BacnetStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BacnetStack.class);
    private static final Duration BBMD_FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration BBMD_MAX_RETRY = Duration.ofSeconds(30);
    private static final int MAX_REPORTED_SOURCES = 256;

    /** A subscription owner: the remote device's instance and our process identifier. */
    private record Route(int deviceInstance, long processId) {
    }

    /**
     * The key under which the gateway's devices share one stack (one local device on one port) among the runtime's
     * shared resources; tools that run beside the devices (the fleet's discover command) borrow it under this key.
     */
    public static final String SHARED_KEY = "bacnet:local-device";

    private final BacnetNetworkConfig config;
    private final Map<Route, PeerListener> routes = new ConcurrentHashMap<>();
    private final List<Consumer<RemoteDevice>> iAmListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch bbmdRegistered = new CountDownLatch(1);
    private final Set<String> malformedSources = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService bbmdThread;
    private LocalDevice localDevice;
    private boolean closed;

    public BacnetStack(BacnetNetworkConfig config) {
        this.config = config;
    }

    public BacnetNetworkConfig config() {
        return config;
    }

    /**
     * The running local device, started now if needed. Fails with reason {@code local-device-down} when its socket
     * cannot be opened; the next call tries again. May block briefly (socket bind).
     */
    public synchronized LocalDevice localDevice() throws BacnetRequestException {
        if (closed) {
            throw new BacnetRequestException(BacnetRequestException.Kind.COMM, 0, "stopped", "the BACnet stack is stopped", null);
        }
        if (localDevice == null) {
            localDevice = start();
        }
        return localDevice;
    }

    private LocalDevice start() throws BacnetRequestException {
        IpNetwork network = new IpNetworkBuilder().withLocalBindAddress(config.bind()).withPort(config.port())
                .withBroadcast(config.broadcast(), 32).build();
        GuardedTransport transport = new GuardedTransport(network);
        transport.setTimeout((int) config.apduTimeout().toMillis());
        transport.setRetries(config.apduRetries());
        LocalDevice device = new LocalDevice(config.deviceInstance(), transport);
        device.writePropertyInternal(PropertyIdentifier.objectName, new CharacterString(config.deviceName()));
        device.writePropertyInternal(PropertyIdentifier.apduTimeout, new UnsignedInteger((int) config.apduTimeout().toMillis()));
        device.writePropertyInternal(PropertyIdentifier.numberOfApduRetries, new UnsignedInteger(config.apduRetries()));
        device.writePropertyInternal(PropertyIdentifier.protocolServicesSupported, servicesWeServe());
        device.getEventHandler().addListener(new Dispatcher());
        try {
            device.initialize();
        } catch (Exception e) {
            terminateQuietly(device);
            throw new BacnetRequestException(BacnetRequestException.Kind.COMM, 0, "local-device-down",
                    "cannot start the gateway's BACnet device on UDP " + config.endpoint() + ": " + e.getMessage(), e);
        }
        LOG.info("BACnet device {} '{}' listening on UDP {}, broadcasts to {}", config.deviceInstance(),
                config.deviceName(), config.endpoint(), config.broadcast());
        if (config.bbmd() != null) {
            bbmdThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outpost-bacnet-bbmd");
                t.setDaemon(true);
                return t;
            });
            bbmdThread.execute(() -> registerWithBbmd(network, BBMD_FIRST_RETRY));
        }
        return device;
    }

    /** Only what a read-only gateway needs; anything else is rejected as an unrecognized service. */
    private static ServicesSupported servicesWeServe() {
        ServicesSupported s = new ServicesSupported();
        s.setReadProperty(true);
        s.setReadPropertyMultiple(true);
        s.setConfirmedCovNotification(true);
        s.setUnconfirmedCovNotification(true);
        s.setConfirmedCovNotificationMultiple(true);
        s.setUnconfirmedCovNotificationMultiple(true);
        s.setWhoIs(true);
        s.setIAm(true);
        s.setWhoHas(true);
        s.setIHave(true);
        return s;
    }

    /**
     * Registers as a foreign device, retrying with a growing pause. The first attempt often fails: bacnet4j sends
     * broadcasts to the BBMD as soon as registration starts, the BBMD refuses those until it has registered us,
     * and bacnet4j takes that refusal for the registration's answer.
     */
    private void registerWithBbmd(IpNetwork network, Duration retry) {
        BacnetNetworkConfig.BbmdRegistration bbmd = config.bbmd();
        int ttl = (int) bbmd.ttl().toSeconds();
        try {
            // Blocks up to 5 s for the BBMD's answer; bacnet4j then renews it on its own before the ttl runs out.
            network.registerAsForeignDevice(new InetSocketAddress(bbmd.address(), bbmd.port()), ttl);
            LOG.info("registered as a foreign device with BBMD {} (ttl {} s)", bbmd, ttl);
            bbmdRegistered.countDown();
        } catch (BACnetException | RuntimeException e) {
            if (retry.compareTo(BBMD_FIRST_RETRY) > 0) {
                LOG.warn("foreign-device registration with BBMD {} failed ({}); retrying in {} s", bbmd, e.getMessage(),
                        retry.toSeconds());
            }
            Duration next = retry.multipliedBy(2).compareTo(BBMD_MAX_RETRY) > 0 ? BBMD_MAX_RETRY : retry.multipliedBy(2);
            synchronized (this) {
                if (!closed) {
                    bbmdThread.schedule(() -> registerWithBbmd(network, next), retry.toMillis(), TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Waits until the BBMD accepted our registration; true at once when no BBMD is configured. */
    public boolean awaitBbmdRegistration(Duration timeout) throws InterruptedException {
        return config.bbmd() == null || bbmdRegistered.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends a confirmed request and waits for the answer; the transport retries on its own ({@code apdu-retries}).
     * Blocks up to {@link BacnetNetworkConfig#requestDeadline()} (plus segment transfer time).
     */
    public <T extends AcknowledgementService> T call(RemoteDevice device, ConfirmedRequestService request, String what)
            throws BacnetRequestException {
        LocalDevice local = localDevice();
        try {
            return local.send(device, request).get();
        } catch (BACnetException e) {
            BacnetRequestException failure = BacnetRequestException.of(e, what);
            if (failure.malformedAnswer()) {
                reportMalformed(device, failure);
            }
            throw failure;
        } catch (RuntimeException e) {
            // bacnet4j throws unchecked exceptions for a closed socket or an uninitialised device.
            throw new BacnetRequestException(BacnetRequestException.Kind.COMM, 0, Quality.COMM_LOST,
                    what + ": " + e.getMessage(), e);
        }
    }

    /**
     * One warning per device address: a device that answers malformed does so on every poll, and its points say
     * it with their reason. The addresses are those of devices we asked; the bound is a backstop.
     */
    private void reportMalformed(RemoteDevice device, BacnetRequestException failure) {
        String address = device.getAddress() == null ? "an unknown address" : device.getAddress().getDescription();
        if (malformedSources.size() < MAX_REPORTED_SOURCES && malformedSources.add(address)) {
            LOG.warn("device {} at {} sent an answer that the gateway refuses to decode, its request fails with '{}' "
                    + "(next ones from this address are logged at debug): {}", device.getInstanceNumber(), address,
                    failure.reason(), failure.getMessage());
        } else {
            LOG.debug("device {} at {}: {}", device.getInstanceNumber(), address, failure.getMessage());
        }
    }

    /**
     * Sends a confirmed request without waiting for its answer (cancelling subscriptions while stopping); a
     * failure is only logged. Does not block.
     */
    public void send(RemoteDevice device, ConfirmedRequestService request) {
        try {
            localDevice().send(device, request, new ResponseConsumerAdapter<AcknowledgementService>() {
                @Override
                public void ack(AcknowledgementService ack) {
                    // Nothing to do with the answer: the request had its effect.
                }

                @Override
                public void ex(BACnetException e) {
                    LOG.debug("{} to device {} failed: {}", request.getClass().getSimpleName(), device.getInstanceNumber(),
                            e.getMessage());
                }
            });
        } catch (BacnetRequestException | RuntimeException e) {
            LOG.debug("{} to device {} not sent: {}", request.getClass().getSimpleName(), device.getInstanceNumber(),
                    e.getMessage());
        }
    }

    /** Broadcasts a Who-Is, through the BBMD when registered with one; null bounds ask every device. */
    public void whoIs(Integer low, Integer high) throws BacnetRequestException {
        WhoIsRequest request = low == null ? new WhoIsRequest() : new WhoIsRequest(low, high);
        localDevice().sendGlobalBroadcast(request);
    }

    /** A remote device at a known address, before its capabilities are read. */
    public RemoteDevice remoteDevice(int instance, Address address) throws BacnetRequestException {
        return new RemoteDevice(localDevice(), instance, address);
    }

    /** Tells {@code listener} about every I-Am until removed; bacnet4j's thread, must not block. */
    public void addIAmListener(Consumer<RemoteDevice> listener) {
        iAmListeners.add(listener);
    }

    public void removeIAmListener(Consumer<RemoteDevice> listener) {
        iAmListeners.remove(listener);
    }

    /**
     * Claims a subscriber process identifier for subscriptions to {@code deviceInstance}: stable across restarts
     * of the gateway for the same {@code owner} (so a renewed subscription replaces the old one on the device
     * instead of adding another), and unique among the owners that subscribe to the same device.
     */
    public long register(String owner, int deviceInstance, PeerListener listener) {
        long id = 1 + Math.floorMod(owner.hashCode(), 0x3F_FFFE);
        while (routes.putIfAbsent(new Route(deviceInstance, id), listener) != null) {
            id = id % 0x3F_FFFF + 1;
        }
        return id;
    }

    public void unregister(int deviceInstance, long processId) {
        routes.remove(new Route(deviceInstance, processId));
    }

    @Override
    public void close() {
        LocalDevice device;
        synchronized (this) {
            closed = true;
            device = localDevice;
            localDevice = null;
            if (bbmdThread != null) {
                bbmdThread.shutdownNow();
            }
        }
        if (device != null) {
            terminateQuietly(device);
            LOG.info("BACnet device {} stopped", config.deviceInstance());
        }
    }

    private static void terminateQuietly(LocalDevice device) {
        try {
            device.terminate();
        } catch (RuntimeException e) {
            LOG.warn("the BACnet device did not stop cleanly", e);
        }
    }

    /** Routes what the network tells us; runs on bacnet4j's threads. */
    private final class Dispatcher extends DeviceEventAdapter {

        /**
         * The source of the request being handled on this thread. bacnet4j tells {@link #requestReceived} the
         * source and then, on the same thread, has the request fire {@link #covNotificationReceived} without it.
         */
        private final ThreadLocal<Address> source = new ThreadLocal<>();

        @Override
        public void requestReceived(Address from, Service service) {
            source.set(from);
        }

        @Override
        public void covNotificationReceived(UnsignedInteger processId, ObjectIdentifier initiatingDevice,
                                            ObjectIdentifier object, UnsignedInteger timeRemaining,
                                            SequenceOf<PropertyValue> values) {
            int instance = initiatingDevice.getInstanceNumber();
            PeerListener listener = routes.get(new Route(instance, processId.longValue()));
            if (listener != null) {
                listener.covNotification(source.get(), object, values);
            } else if (processId.longValue() == 0 && object.getObjectType().equals(ObjectType.device)) {
                // Restart notifications are unsubscribed COV notifications of the device object (clause 19.3).
                announce(instance, "restart-notification");
            } else {
                LOG.debug("COV notification from device {} for unknown process {}: ignored", instance, processId);
            }
        }

        @Override
        public void iAmReceived(RemoteDevice d) {
            iAmListeners.forEach(l -> l.accept(d));
            announce(d.getInstanceNumber(), "i-am");
        }

        @Override
        public boolean allowPropertyWrite(Address from, BACnetObject obj, PropertyValue pv) {
            return false;
        }

        private void announce(int instance, String how) {
            routes.forEach((route, listener) -> {
                if (route.deviceInstance == instance) {
                    listener.announced(how);
                }
            });
        }
    }
}
