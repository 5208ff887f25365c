package io.outpost.adapter.bacnet.sim;

import com.serotonin.bacnet4j.LocalDevice;
import com.serotonin.bacnet4j.enums.MaxApduLength;
import com.serotonin.bacnet4j.event.DeviceEventAdapter;
import com.serotonin.bacnet4j.exception.BACnetException;
import com.serotonin.bacnet4j.exception.BACnetServiceException;
import com.serotonin.bacnet4j.npdu.ip.IpNetwork;
import com.serotonin.bacnet4j.npdu.ip.IpNetworkBuilder;
import com.serotonin.bacnet4j.obj.AnalogInputObject;
import com.serotonin.bacnet4j.obj.AnalogValueObject;
import com.serotonin.bacnet4j.obj.BACnetObject;
import com.serotonin.bacnet4j.obj.BinaryOutputObject;
import com.serotonin.bacnet4j.obj.MultistateValueObject;
import com.serotonin.bacnet4j.obj.mixin.CovContext;
import com.serotonin.bacnet4j.service.Service;
import com.serotonin.bacnet4j.service.confirmed.ReadPropertyMultipleRequest;
import com.serotonin.bacnet4j.type.Encodable;
import com.serotonin.bacnet4j.type.constructed.Address;
import com.serotonin.bacnet4j.type.constructed.BACnetArray;
import com.serotonin.bacnet4j.type.enumerated.BinaryPV;
import com.serotonin.bacnet4j.type.enumerated.EngineeringUnits;
import com.serotonin.bacnet4j.type.enumerated.ObjectType;
import com.serotonin.bacnet4j.type.enumerated.Polarity;
import com.serotonin.bacnet4j.type.enumerated.PropertyIdentifier;
import com.serotonin.bacnet4j.type.enumerated.Reliability;
import com.serotonin.bacnet4j.type.enumerated.Segmentation;
import com.serotonin.bacnet4j.type.primitive.Boolean;
import com.serotonin.bacnet4j.type.primitive.CharacterString;
import com.serotonin.bacnet4j.type.primitive.ObjectIdentifier;
import com.serotonin.bacnet4j.type.primitive.Real;
import com.serotonin.bacnet4j.type.primitive.UnsignedInteger;
import com.serotonin.bacnet4j.util.sero.ByteQueue;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A BACnet/IP device for demos, tests and benchmarks: a bacnet4j device on a UDP port with the objects of a small
 * air handler whose values can move on their own:
 * <ul>
 *   <li>{@link #ZONE_TEMPERATURE} analog-input:1 (°C, COV increment 0.1), drifting in a slow sine wave when
 *       motion is on;</li>
 *   <li>{@link #SUPPLY_FAN} binary-output:1, commandable (priority array);</li>
 *   <li>{@link #MODE} multi-state-value:1 (Off, Heat, Cool), commandable;</li>
 *   <li>{@link #SETPOINT} analog-value:1 (°C), commandable;</li>
 *   <li>optionally many more analog inputs (analog-input:100 up), to exercise request batching.</li>
 * </ul>
 * Tests set values and status, restart the device (it forgets its COV subscriptions, as a power cycle does), make
 * it refuse ReadPropertyMultiple, and see which requests it received. It can advertise small buffers and enforce
 * them, act as a BBMD, or register as a foreign device with one.
 *
 * <p>Thread-safe.
 */
public final class BacnetSimulator implements AutoCloseable {

    public static final ObjectIdentifier ZONE_TEMPERATURE = new ObjectIdentifier(ObjectType.analogInput, 1);
    public static final ObjectIdentifier SUPPLY_FAN = new ObjectIdentifier(ObjectType.binaryOutput, 1);
    public static final ObjectIdentifier MODE = new ObjectIdentifier(ObjectType.multiStateValue, 1);
    public static final ObjectIdentifier SETPOINT = new ObjectIdentifier(ObjectType.analogValue, 1);
    /** Instance of the first extra analog input. */
    public static final int FIRST_EXTRA = 100;

    private final Builder settings;
    private final List<Service> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger largestAnswer = new AtomicInteger();
    private final ScheduledExecutorService motion;
    private final Map<ObjectIdentifier, Encodable> snapshot = new HashMap<>();
    private volatile LocalDevice device;
    private volatile ConstrainedTransport transport;
    private boolean running = true;
    private volatile boolean rpm = true;
    private volatile int responseLimit;

    private BacnetSimulator(Builder settings) {
        this.settings = settings;
        this.responseLimit = settings.responseLimit;
        this.motion = settings.motion == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bacnet-simulator-" + settings.instance + "-motion");
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How the simulated device looks on the network. */
    public static final class Builder {
        private int instance = 1001;
        private String name = "sim-ahu";
        private String bind = "127.0.0.1";
        private int port = 47808;
        private String broadcast = "127.0.0.1";
        private MaxApduLength maxApdu = MaxApduLength.UP_TO_1476;
        private Segmentation segmentation = Segmentation.segmentedBoth;
        private int responseLimit;
        private boolean bbmd;
        private InetSocketAddress foreignDeviceOf;
        private int extraInputs;
        private Duration motion;

        public Builder instance(int instance) {
            this.instance = instance;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /**
         * Where it listens. On loopback use the same address as broadcast address: the kernel does not hand
         * datagrams for 127.255.255.255 to a socket bound to 127.0.0.1, and a device must hear its own broadcasts
         * for a BBMD to forward them.
         */
        public Builder bind(String bind, String broadcast) {
            this.bind = bind;
            this.broadcast = broadcast;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Advertised max APDU (50, 128, 206, 480, 1024 or 1476) and segmentation support. */
        public Builder limits(int maxApdu, boolean segmentation) {
            this.maxApdu = apdu(maxApdu);
            this.segmentation = segmentation ? Segmentation.segmentedBoth : Segmentation.noSegmentation;
            return this;
        }

        /** Aborts ReadPropertyMultiple requests whose answer would exceed this many bytes, whatever it advertises. */
        public Builder enforceResponseLimit(int bytes) {
            this.responseLimit = bytes;
            return this;
        }

        /** Acts as a BBMD: accepts foreign-device registrations and forwards broadcasts to them. */
        public Builder bbmd() {
            this.bbmd = true;
            return this;
        }

        /** Registers as a foreign device with the BBMD at this address. */
        public Builder foreignDeviceOf(String host, int port) {
            this.foreignDeviceOf = new InetSocketAddress(host, port);
            return this;
        }

        /** Adds analog-input:100 to analog-input:(99 + count), named sensor-1 and up, in percent. */
        public Builder extraInputs(int count) {
            this.extraInputs = count;
            return this;
        }

        /** Moves the zone temperature every {@code period}. */
        public Builder motion(Duration period) {
            this.motion = period;
            return this;
        }

        public BacnetSimulator start() throws Exception {
            BacnetSimulator sim = new BacnetSimulator(this);
            sim.device = sim.build(Map.of());
            if (motion != null) {
                long ms = motion.toMillis();
                sim.motion.scheduleAtFixedRate(sim::move, ms, ms, TimeUnit.MILLISECONDS);
            }
            return sim;
        }

        private static MaxApduLength apdu(int bytes) {
            for (MaxApduLength m : MaxApduLength.values()) {
                if (m.getMaxLengthInt() == bytes) {
                    return m;
                }
            }
            throw new IllegalArgumentException("max APDU must be 50, 128, 206, 480, 1024 or 1476, found " + bytes);
        }
    }

    private LocalDevice build(Map<ObjectIdentifier, Encodable> values) throws Exception {
        IpNetwork network = new IpNetworkBuilder().withLocalBindAddress(settings.bind).withPort(settings.port)
                .withBroadcast(settings.broadcast, 32).build();
        transport = new ConstrainedTransport(network, () -> responseLimit);
        LocalDevice d = new LocalDevice(settings.instance, transport);
        d.writePropertyInternal(PropertyIdentifier.objectName, new CharacterString(settings.name));
        d.writePropertyInternal(PropertyIdentifier.maxApduLengthAccepted, new UnsignedInteger(settings.maxApdu.getMaxLengthInt()));
        d.writePropertyInternal(PropertyIdentifier.segmentationSupported, settings.segmentation);
        d.getServicesSupported().setReadPropertyMultiple(rpm);
        d.getEventHandler().addListener(new DeviceEventAdapter() {
            @Override
            public void requestReceived(Address from, Service service) {
                requests.add(service);
                if (service instanceof ReadPropertyMultipleRequest rpm) {
                    largestAnswer.accumulateAndGet(answerSize(d, rpm, from), Math::max);
                }
            }
        });
        addObjects(d);
        values.forEach((id, v) -> {
            BACnetObject o = d.getObject(id);
            if (o != null) {
                o.writePropertyInternal(PropertyIdentifier.presentValue, v);
            }
        });
        try {
            d.initialize();
        } catch (Exception e) {
            d.terminate();
            throw e;
        }
        if (settings.bbmd) {
            network.enableBBMD();
        }
        if (settings.foreignDeviceOf != null) {
            register(network);
        }
        return d;
    }

    /**
     * Registers with the BBMD. bacnet4j routes broadcasts to the BBMD as soon as registration starts, so the
     * broadcasts the device sends while starting can reach it first and be refused, and that refusal is taken for
     * the registration's answer: try again a few times.
     */
    private void register(IpNetwork network) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                network.registerAsForeignDevice(settings.foreignDeviceOf, 300);
                return;
            } catch (BACnetException e) {
                if (attempt == 5) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(200);
            }
        }
    }

    private void addObjects(LocalDevice d) throws BACnetServiceException {
        new AnalogInputObject(d, ZONE_TEMPERATURE.getInstanceNumber(), "zone-temperature", 21.5f,
                EngineeringUnits.degreesCelsius, false).supportCovReporting(0.1f);
        new BinaryOutputObject(d, SUPPLY_FAN.getInstanceNumber(), "supply-fan", BinaryPV.inactive, false,
                Polarity.normal, BinaryPV.inactive).supportCovReporting();
        new MultistateValueObject(d, MODE.getInstanceNumber(), "mode", 3, new BACnetArray<>(new CharacterString("Off"),
                new CharacterString("Heat"), new CharacterString("Cool")), 1, false)
                .supportCommandable(new UnsignedInteger(1)).supportCovReporting();
        new AnalogValueObject(d, SETPOINT.getInstanceNumber(), "setpoint", 21.0f, EngineeringUnits.degreesCelsius, false)
                .supportCommandable(21.0f).supportCovReporting(0.1f);
        for (int i = 0; i < settings.extraInputs; i++) {
            new AnalogInputObject(d, FIRST_EXTRA + i, "sensor-" + (i + 1), i, EngineeringUnits.percent, false);
        }
    }

    private void move() {
        double t = System.nanoTime() / 1e9;
        float temp = (float) (21.5 + 1.5 * Math.sin(t / 60.0));
        set(ZONE_TEMPERATURE, new Real(Math.round(temp * 100) / 100f));
    }

    public int instance() {
        return settings.instance;
    }

    public int port() {
        return settings.port;
    }

    /** Sets a present value as the process would (bypassing priorities); COV subscribers are notified. */
    public void set(ObjectIdentifier object, Encodable presentValue) {
        required(object).writePropertyInternal(PropertyIdentifier.presentValue, presentValue);
    }

    public void set(ObjectIdentifier object, float presentValue) {
        set(object, new Real(presentValue));
    }

    public Encodable get(ObjectIdentifier object, PropertyIdentifier property) {
        return required(object).get(property);
    }

    public Encodable presentValue(ObjectIdentifier object) {
        return get(object, PropertyIdentifier.presentValue);
    }

    /** Sets the object's reliability: anything but no-fault-detected raises the fault flag. */
    public void setReliability(ObjectIdentifier object, Reliability reliability) {
        required(object).writePropertyInternal(PropertyIdentifier.reliability, reliability);
    }

    public void setOutOfService(ObjectIdentifier object, boolean outOfService) {
        required(object).writePropertyInternal(PropertyIdentifier.outOfService, Boolean.valueOf(outOfService));
    }

    public void setOverridden(ObjectIdentifier object, boolean overridden) {
        required(object).setOverridden(overridden);
    }

    /** Whether it accepts ReadPropertyMultiple; when off it rejects it as an unrecognized service. */
    public void setReadPropertyMultiple(boolean supported) {
        rpm = supported;
        device.getServicesSupported().setReadPropertyMultiple(supported);
    }

    public void enforceResponseLimit(int bytes) {
        responseLimit = bytes;
    }

    /** Active COV subscriptions on an object. */
    public int covSubscriptions(ObjectIdentifier object) {
        return covContexts(object).size();
    }

    /** Active COV subscriptions on an object that ask for confirmed notifications. */
    public int confirmedCovSubscriptions(ObjectIdentifier object) {
        return (int) covContexts(object).stream().filter(CovContext::isIssueConfirmedNotifications).count();
    }

    private List<CovContext> covContexts(ObjectIdentifier object) {
        List<CovContext> contexts = device.getCovContexts().get(object);
        if (contexts == null) {
            return List.of();
        }
        synchronized (contexts) {
            return List.copyOf(contexts);
        }
    }

    /** Bytes of service data of the largest ReadPropertyMultiple answer asked for. */
    public int largestReadPropertyMultipleAnswer() {
        return largestAnswer.get();
    }

    private static int answerSize(LocalDevice d, ReadPropertyMultipleRequest request, Address from) {
        try {
            ByteQueue encoded = new ByteQueue();
            request.handle(d, from).write(encoded);
            return encoded.size();
        } catch (BACnetException e) {
            // The device answers it with an error: a few bytes.
            return 0;
        }
    }

    /** ReadPropertyMultiple requests aborted as too large for the enforced limit since the last (re)start. */
    public int abortedReadPropertyMultiples() {
        return transport.aborts();
    }

    /** Every confirmed and unconfirmed request received, oldest first. */
    public List<Service> requests() {
        return List.copyOf(requests);
    }

    public <T extends Service> List<T> requests(Class<T> type) {
        return requests.stream().filter(type::isInstance).map(type::cast).toList();
    }

    public void clearRequests() {
        requests.clear();
    }

    /**
     * Power-cycles the device: a new device on the same port with the same present values and a new
     * time-of-device-restart, and none of the COV subscriptions.
     */
    public synchronized void restart() throws Exception {
        powerOff();
        powerOn();
    }

    /** Stops answering until {@link #powerOn()}: the socket is closed, as when the controller loses power. */
    public synchronized void powerOff() {
        if (running) {
            snapshot.clear();
            for (BACnetObject o : device.getLocalObjects()) {
                Encodable pv = o.get(PropertyIdentifier.presentValue);
                if (!o.getId().getObjectType().equals(ObjectType.device) && pv != null) {
                    snapshot.put(o.getId(), pv);
                }
            }
            device.terminate();
            running = false;
        }
    }

    /**
     * Starts again with the present values it had when it was switched off. While it was off, someone probing for a
     * free port (another test) may hold its port for a moment: binding is retried for up to five seconds.
     */
    public synchronized void powerOn() throws Exception {
        for (int attempt = 1; !running; attempt++) {
            try {
                device = build(snapshot);
                running = true;
            } catch (BindException e) {
                if (attempt == 50) {
                    throw e;
                }
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private BACnetObject required(ObjectIdentifier object) {
        BACnetObject o = device.getObject(object);
        if (o == null) {
            throw new IllegalArgumentException("the simulator has no object " + object);
        }
        return o;
    }

    @Override
    public void close() {
        if (motion != null) {
            motion.shutdownNow();
        }
        powerOff();
    }
}
